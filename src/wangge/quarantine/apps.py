from django.apps import AppConfig


class QuarantineConfig(AppConfig):
    name = "wangge.quarantine"
    verbose_name = "隔离管理"
