from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "wangge.health"
    verbose_name = "健康与四类人员"
