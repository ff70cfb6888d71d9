from django.apps import AppConfig


class TransferConfig(AppConfig):
    name = "wangge.transfer"
    verbose_name = "转运与收治"
