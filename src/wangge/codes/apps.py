from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CodesConfig(AppConfig):
    name = "wangge.codes"
    verbose_name = _("健康码")

    def ready(self) -> None:
        # A change of status recolours the person's code in the same transaction.
        from wangge.codes import receivers

        receivers.connect()
