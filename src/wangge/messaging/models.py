"""The outbox (发件箱): every message the built-in adapter "sent", for a closed network and tests.

A real gateway's adapter keeps no copy here; the province's gateway keeps its own record.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Purpose(models.TextChoices):
    """Why a message is sent: a gateway may route or bill by it, and the outbox filters by it."""

    SIGN_IN = "sign_in", _("登录验证码")
    NOTICE = "notice", _("通知")


class OutboxMessage(models.Model):
    recipient = models.CharField(_("收件人"), max_length=20, db_index=True)
    purpose = models.CharField(_("用途"), max_length=20, choices=Purpose.choices)
    text = models.CharField(_("内容"), max_length=500)
    channel = models.CharField(_("渠道"), max_length=20, default="sms")
    created_at = models.DateTimeField(_("发送时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("发件箱消息")
        verbose_name_plural = _("发件箱消息")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["-created_at", "-id"], name="outbox_newest_idx")]

    def __str__(self):
        return f"{self.recipient} {self.get_purpose_display()}"
