"""Trajectory investigations (流调) of confirmed cases and the contacts they find."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.core.codes import GRID_CODE_LENGTH
from wangge.core.scoping import ScopedManager
from wangge.people.models import Resident


class Investigation(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("调查中")
        CLOSED = "closed", _("已完成")

    case = models.ForeignKey(Resident, verbose_name=_("病例"), on_delete=models.PROTECT, related_name="investigations")
    grid_code = models.CharField(_("网格代码"), max_length=GRID_CODE_LENGTH, db_index=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    summary = models.TextField(_("调查结论"), blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("流调")
        verbose_name_plural = _("流调")
        ordering = ["-opened_at"]

    def __str__(self):
        return f"流调 {self.case.name}"


class TrajectoryEntry(models.Model):
    """Where the case was, and when: the places that contacts are found from."""

    investigation = models.ForeignKey(Investigation, on_delete=models.CASCADE, related_name="trajectory")
    grid_code = models.CharField(_("网格代码"), max_length=GRID_CODE_LENGTH)
    place = models.CharField(_("地点"), max_length=200)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    lng = models.FloatField(_("经度"), null=True, blank=True)
    start = models.DateTimeField(_("开始时间"))
    end = models.DateTimeField(_("结束时间"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("轨迹")
        verbose_name_plural = _("轨迹")
        ordering = ["start"]

    def __str__(self):
        return f"{self.place} {self.start:%m-%d %H:%M}"


class Contact(models.Model):
    class Kind(models.TextChoices):
        CLOSE = "close", _("密切接触者")
        SECONDARY = "secondary", _("次密切接触者")

    investigation = models.ForeignKey(Investigation, on_delete=models.CASCADE, related_name="contacts")
    resident = models.ForeignKey(
        Resident, verbose_name=_("接触者"), on_delete=models.PROTECT, related_name="contact_of"
    )
    grid_code = models.CharField(_("网格代码"), max_length=GRID_CODE_LENGTH, db_index=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.CLOSE)
    last_exposure = models.DateTimeField(_("末次暴露时间"), null=True, blank=True)
    place = models.CharField(_("接触地点"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("接触者")
        verbose_name_plural = _("接触者")
        constraints = [models.UniqueConstraint(fields=["investigation", "resident"], name="contact_once")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.resident_id}"
