from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreeningConfig(AppConfig):
    name = "wangge.screening"
    verbose_name = _("拉网式排查")

    def ready(self) -> None:
        # Answers that need checking (risk area, contact with a case) are one of health's gap lists.
        from wangge.health.selectors import register_gap_list
        from wangge.screening.selectors import RISKS_UNCHECKED

        register_gap_list(RISKS_UNCHECKED)
