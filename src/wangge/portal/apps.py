from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "wangge.portal"
    verbose_name = "居民端"
