from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo city (``wangge demo``): above every app, it builds data for all of them."""

    name = "wangge.demo"
    label = "demo"
