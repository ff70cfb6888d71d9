from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "wangge.accounts"
    verbose_name = "账号"

    def ready(self):
        from wangge.accounts import signals  # noqa: F401
