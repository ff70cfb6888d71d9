"""Tiered transfer (转运): 隔离点 > 方舱 > 非定点医院 > 定点医院, with vehicles, escorts and handover.

Seed 000: on 2020-02-09 a bus of 494 confirmed patients drove into a closed road and nobody knew.
Every transfer here has a planned arrival and a handover the receiving side confirms; late or
unconfirmed transfers raise alerts.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.core.codes import GRID_CODE_LENGTH
from wangge.core.scoping import ScopedManager
from wangge.people.models import Resident


class Facility(models.Model):
    class Tier(models.IntegerChoices):
        ISOLATION_SITE = 1, _("隔离点")
        FANGCANG = 2, _("方舱医院")
        GENERAL_HOSPITAL = 3, _("非定点医院")
        DESIGNATED_HOSPITAL = 4, _("定点医院")

    name = models.CharField(_("名称"), max_length=100)
    tier = models.PositiveSmallIntegerField(_("层级"), choices=Tier.choices)
    grid_code = models.CharField(_("所属区划前缀"), max_length=GRID_CODE_LENGTH, db_index=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    lng = models.FloatField(_("经度"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("床位数"), default=0)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    # A centralised quarantine site that is also a transfer destination.
    quarantine_site = models.OneToOneField(
        "quarantine.Site",
        verbose_name=_("对应隔离点"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="facility",
    )
    is_active = models.BooleanField(_("启用"), default=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("收治机构")
        verbose_name_plural = _("收治机构")
        ordering = ["tier", "name"]

    def __str__(self):
        return f"{self.get_tier_display()}·{self.name}"


class TransferOrder(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("待出发")
        EN_ROUTE = "en_route", _("转运中")
        ARRIVED = "arrived", _("已到达")
        HANDED_OVER = "handed_over", _("已交接")
        CANCELLED = "cancelled", _("已取消")

    # Where the patients are picked up; the scope is the origin's, so the sending community sees it.
    grid_code = models.CharField(_("出发地网格代码"), max_length=GRID_CODE_LENGTH, db_index=True)
    origin = models.CharField(_("出发地"), max_length=200)
    destination = models.ForeignKey(
        Facility, verbose_name=_("目的地"), on_delete=models.PROTECT, related_name="incoming_transfers"
    )
    vehicle = models.CharField(_("车辆"), max_length=50)
    driver = models.CharField(_("司机"), max_length=50, blank=True)
    escort = models.CharField(_("随车人员"), max_length=100)
    escort_phone = models.CharField(_("随车人员电话"), max_length=30, blank=True)
    route_note = models.CharField(_("计划路线"), max_length=500, blank=True)
    planned_departure = models.DateTimeField(_("计划出发时间"))
    planned_arrival = models.DateTimeField(_("计划到达时间"))
    departed_at = models.DateTimeField(_("实际出发时间"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("实际到达时间"), null=True, blank=True)
    handed_over_at = models.DateTimeField(_("交接时间"), null=True, blank=True)
    received_by = models.CharField(_("接收人"), max_length=50, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("转运单")
        verbose_name_plural = _("转运单")
        ordering = ["-planned_departure"]
        indexes = [models.Index(fields=["status", "planned_arrival"], name="transfer_status_idx")]

    def __str__(self):
        return f"{self.vehicle} → {self.destination.name}"


class TransferPatient(models.Model):
    transfer = models.ForeignKey(TransferOrder, on_delete=models.CASCADE, related_name="patients")
    resident = models.ForeignKey(
        Resident, verbose_name=_("转运人员"), on_delete=models.PROTECT, related_name="transfers"
    )
    grid_code = models.CharField(_("网格代码"), max_length=GRID_CODE_LENGTH)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("转运人员")
        verbose_name_plural = _("转运人员")
        constraints = [models.UniqueConstraint(fields=["transfer", "resident"], name="transfer_patient_once")]

    def __str__(self):
        return f"{self.transfer_id}:{self.resident_id}"


class Admission(models.Model):
    """A person received by a facility (by handover, or pushed by a hospital's system)."""

    resident = models.ForeignKey(Resident, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="admissions")
    grid_code = models.CharField(_("网格代码"), max_length=GRID_CODE_LENGTH, db_index=True)
    facility = models.ForeignKey(Facility, verbose_name=_("机构"), on_delete=models.PROTECT, related_name="admissions")
    transfer = models.ForeignKey(
        TransferOrder, verbose_name=_("转运单"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    admitted_at = models.DateTimeField(_("收治时间"))
    discharged_at = models.DateTimeField(_("出院/离开时间"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("收治记录")
        verbose_name_plural = _("收治记录")
        ordering = ["-admitted_at"]
        indexes = [models.Index(fields=["facility", "discharged_at"], name="admission_occupancy_idx")]

    def __str__(self):
        return f"{self.resident_id} @ {self.facility_id}"
