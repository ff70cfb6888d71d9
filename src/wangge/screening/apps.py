from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "wangge.screening"
    verbose_name = "拉网式排查"
