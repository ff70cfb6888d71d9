from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TracingConfig(AppConfig):
    name = "wangge.tracing"
    verbose_name = _("流调与密接")

    def ready(self) -> None:
        from wangge.health.hooks import case_confirmed, next_steps
        from wangge.tracing.hooks import exposures
        from wangge.tracing.selectors import home_exposures, investigation_next_steps
        from wangge.tracing.services import open_investigation_on_confirmed

        case_confirmed.connect(open_investigation_on_confirmed)
        next_steps.connect(investigation_next_steps)
        exposures.connect(home_exposures)
