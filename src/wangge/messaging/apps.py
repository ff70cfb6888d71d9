from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "wangge.messaging"
    verbose_name = "消息发送"
