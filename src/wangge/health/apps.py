from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthConfig(AppConfig):
    name = "wangge.health"
    verbose_name = _("健康与四类人员")
