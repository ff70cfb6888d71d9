from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TestingConfig(AppConfig):
    name = "wangge.testing"
    verbose_name = _("核酸检测")

    def ready(self) -> None:
        # A positive pool's members are yellow until their retest is negative: codes asks us.
        from wangge.codes.hooks import colour_facts
        from wangge.testing.selectors import colour_facts as testing_colour_facts

        colour_facts.connect(testing_colour_facts)
        # Tracing asks who shared a tube pool or a sampling queue with a case.
        from wangge.testing.selectors import exposures as testing_exposures
        from wangge.tracing.hooks import exposures

        exposures.connect(testing_exposures)
