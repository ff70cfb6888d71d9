from django.apps import AppConfig


class GridConfig(AppConfig):
    name = "wangge.grid"
    verbose_name = "网格"
