from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GatesConfig(AppConfig):
    name = "wangge.gates"
    verbose_name = _("卡口与门岗")

    def ready(self) -> None:
        # Tracing knows no gates: it asks who passed the same gate around a case's passes.
        from wangge.gates.selectors import checkpoint_exposures
        from wangge.tracing.hooks import exposures

        exposures.connect(checkpoint_exposures)
