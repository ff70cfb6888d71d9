from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "wangge.audit"
    verbose_name = "审计"
