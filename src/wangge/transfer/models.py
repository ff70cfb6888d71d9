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


class Vehicle(models.Model):
    """A vehicle a division can send: its plate, kind and the patients it seats."""

    class Kind(models.TextChoices):
        NEGATIVE_PRESSURE_AMBULANCE = "negative_pressure", _("负压救护车")
        AMBULANCE = "ambulance", _("救护车")
        BUS = "bus", _("大巴")
        MINIBUS = "minibus", _("中巴")
        GUIDE_CAR = "guide", _("引导车")
        OTHER = "other", _("其他")

    plate = models.CharField(_("车牌号"), max_length=20)
    kind = models.CharField(_("车型"), max_length=20, choices=Kind.choices)
    # Patients it carries (a guide car carries none: 0).
    seats = models.PositiveIntegerField(_("可载患者数"), default=0)
    # The division that runs it (a prefix, like a facility's); scoping and the unique plate are per division.
    grid_code = models.CharField(_("所属区划前缀"), max_length=GRID_CODE_LENGTH, db_index=True)
    phone = models.CharField(_("车载电话"), max_length=30, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("转运车辆")
        verbose_name_plural = _("转运车辆")
        ordering = ["grid_code", "plate", "id"]
        constraints = [models.UniqueConstraint(fields=["grid_code", "plate"], name="vehicle_plate_once")]

    def __str__(self):
        return f"{self.plate}（{self.get_kind_display()}）"


class ClosedRoad(models.Model):
    """A road closed in an area for a time (交通管制), maintained by staff; a route naming it is refused."""

    name = models.CharField(_("路段名称"), max_length=100)
    grid_code = models.CharField(_("所在区划前缀"), max_length=GRID_CODE_LENGTH, db_index=True)
    starts_at = models.DateTimeField(_("封闭开始"))
    ends_at = models.DateTimeField(_("封闭结束"), null=True, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("封闭路段")
        verbose_name_plural = _("封闭路段")
        ordering = ["grid_code", "id"]

    def __str__(self):
        return self.name


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
    # The convoy's plates in one line ("鄂A·J0921、鄂A·C3376"), kept by the services from its vehicles
    # for lists, titles and alerts; the convoy itself is ``vehicles`` (TransferVehicle rows).
    vehicle = models.CharField(_("车辆"), max_length=200)
    route_note = models.CharField(_("计划路线"), max_length=500, blank=True)
    # Set when the dispatcher knowingly routes through a closed road (the reason); empty otherwise.
    closed_road_override = models.CharField(_("途经封闭路段的理由"), max_length=300, blank=True)
    closed_roads_named = models.CharField(_("途经的封闭路段"), max_length=300, blank=True)
    # The receiving facility's acknowledgement, required before departure.
    acknowledged_at = models.DateTimeField(_("接收方确认时间"), null=True, blank=True)
    acknowledged_name = models.CharField(_("接收方确认人"), max_length=50, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
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


class TransferVehicle(models.Model):
    """One vehicle of a transfer's convoy, with its driver; its escorts are ``escorts``."""

    transfer = models.ForeignKey(TransferOrder, on_delete=models.CASCADE, related_name="vehicles")
    vehicle = models.ForeignKey(Vehicle, verbose_name=_("车辆"), on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(_("车序"), default=1)
    driver = models.CharField(_("司机"), max_length=50, blank=True)
    driver_phone = models.CharField(_("司机电话"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("车队车辆")
        verbose_name_plural = _("车队车辆")
        ordering = ["transfer", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["transfer", "vehicle"], name="transfer_vehicle_once")]

    def __str__(self):
        return f"{self.transfer_id}:{self.vehicle_id}"


class TransferEscort(models.Model):
    """A person riding with the patients (随车医护), on one vehicle of the convoy."""

    convoy_vehicle = models.ForeignKey(TransferVehicle, on_delete=models.CASCADE, related_name="escorts")
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("电话"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("随车人员")
        verbose_name_plural = _("随车人员")
        ordering = ["convoy_vehicle", "id"]

    def __str__(self):
        return self.name


class CheckIn(models.Model):
    """The crew's position en route: a phone's geolocation, or a place typed when it is denied."""

    transfer = models.ForeignKey(TransferOrder, on_delete=models.CASCADE, related_name="check_ins")
    at = models.DateTimeField(_("报告时间"), db_index=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    lng = models.FloatField(_("经度"), null=True, blank=True)
    accuracy = models.FloatField(_("定位精度（米）"), null=True, blank=True)
    place_note = models.CharField(_("位置说明"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("报告人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("途中报告")
        verbose_name_plural = _("途中报告")
        ordering = ["transfer", "at", "id"]

    def __str__(self):
        return f"{self.transfer_id}@{self.at:%H:%M}"


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
