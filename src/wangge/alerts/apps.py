from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "wangge.alerts"
    verbose_name = "预警"
