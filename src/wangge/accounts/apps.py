from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "wangge.accounts"
    verbose_name = _("账号")

    def ready(self):
        from wangge.accounts import signals  # noqa: F401
