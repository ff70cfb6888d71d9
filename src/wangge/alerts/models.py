"""Alerts (预警): raised by background jobs and services, delivered to an inbox per role and reach."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.accounts.models import Role
from wangge.core.codes import GRID_CODE_LENGTH
from wangge.core.scoping import ScopedManager


class AlertKind(models.TextChoices):
    MISSED_REPORT = "missed_report", _("健康监测漏报")
    FEVER = "fever", _("发热")
    POSITIVE_TEST = "positive_test", _("核酸阳性")
    SUSPECTED_CASE = "suspected_case", _("疑似病例")
    CONFIRMED_CASE = "confirmed_case", _("确诊病例")
    RELEASE_DUE = "release_due", _("隔离期满待解除")
    TEST_OVERDUE = "test_overdue", _("核酸检测逾期")
    TRANSFER_LATE = "transfer_late", _("转运延误")
    TRANSFER_NOT_HANDED_OVER = "transfer_handover", _("转运未交接")
    GAP_STALE = "gap_stale", _("闭环事项滞留")
    NEW_LEAD = "new_lead", _("排查发现线索")
    RISK_REPORT = "risk_report", _("风险地区或接触史待核查")
    RESULT_CORRECTED = "result_corrected", _("检测结果更正")


class Alert(models.Model):
    """One alert for one role in one part of the grid.

    ``dedupe_key`` makes raising idempotent: a job that runs twice, or on two workers at once,
    raises each alert once.
    """

    kind = models.CharField(_("类型"), max_length=30, choices=AlertKind.choices, db_index=True)
    role = models.CharField(_("接收角色"), max_length=20, choices=Role.choices)
    grid_code = models.CharField(_("网格代码"), max_length=GRID_CODE_LENGTH)
    title = models.CharField(_("标题"), max_length=200)
    body = models.CharField(_("内容"), max_length=1000, blank=True)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    object_type = models.CharField(_("对象类型"), max_length=50, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    dedupe_key = models.CharField(_("去重键"), max_length=200, unique=True)
    created_at = models.DateTimeField(_("产生时间"), auto_now_add=True, db_index=True)
    # Set when the condition behind the alert is gone (the report came in, the order was released).
    resolved_at = models.DateTimeField(_("解除时间"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("预警")
        verbose_name_plural = _("预警")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["role", "grid_code", "created_at"], name="alert_inbox_idx")]

    def __str__(self):
        return self.title


class AlertRead(models.Model):
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("已读")
        verbose_name_plural = _("已读")
        constraints = [models.UniqueConstraint(fields=["alert", "user"], name="alert_read_unique")]

    def __str__(self):
        return f"{self.user_id}:{self.alert_id}"
