from django.apps import AppConfig


class TracingConfig(AppConfig):
    name = "wangge.tracing"
    verbose_name = "流调与密接"
