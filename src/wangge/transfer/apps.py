from django.apps import AppConfig


class TransferConfig(AppConfig):
    name = "wangge.transfer"
    verbose_name = "转运与收治"

    def ready(self) -> None:
        # Quarantine knows no transfers: it asks who else stays at, or is bound for, its sites.
        from wangge.quarantine.hooks import site_guests as site_guests_hook
        from wangge.transfer.selectors import site_guests

        site_guests_hook.connect(site_guests)
