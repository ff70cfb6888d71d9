from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransferConfig(AppConfig):
    name = "wangge.transfer"
    verbose_name = _("转运与收治")

    def ready(self) -> None:
        # Quarantine knows no transfers: it asks who else stays at, or is bound for, its sites.
        from wangge.health.hooks import next_steps
        from wangge.quarantine.hooks import site_guests as site_guests_hook
        from wangge.transfer.selectors import site_guests, transfer_next_steps

        site_guests_hook.connect(site_guests)
        # Health offers the next steps after a status change; admitting a case is one of ours.
        next_steps.connect(transfer_next_steps)
