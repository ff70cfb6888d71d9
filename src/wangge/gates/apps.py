from django.apps import AppConfig


class GatesConfig(AppConfig):
    name = "wangge.gates"
    verbose_name = "卡口与门岗"
