"""The grid hierarchy: city > district > street > community > grid > building > unit > household.

Divisions (city to community) share one table keyed by the 12-digit statistical code.  Grids,
buildings, units and households each carry ``grid_code`` (their own grid's 15-digit code) so
that scoping and rollups are one indexed range filter; their own ``code`` extends it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.core.codes import (
    BUILDING_CODE_LENGTH,
    DIVISION_CODE_LENGTH,
    GRID_CODE_LENGTH,
    HOUSEHOLD_CODE_LENGTH,
    UNIT_CODE_LENGTH,
    Level,
    significant_prefix,
)
from wangge.core.scoping import ScopedManager


class Division(models.Model):
    """An administrative division: city, district, street (街道/乡镇) or community (社区/村)."""

    class Kind(models.IntegerChoices):
        PROVINCE = Level.PROVINCE, _("省")
        CITY = Level.CITY, _("市")
        DISTRICT = Level.DISTRICT, _("区县")
        STREET = Level.STREET, _("街道")
        COMMUNITY = Level.COMMUNITY, _("社区")

    code = models.CharField(_("区划代码"), max_length=DIVISION_CODE_LENGTH, unique=True)
    # The significant prefix doubles as the scope column, so divisions scope like everything else.
    grid_code = models.CharField(_("代码前缀"), max_length=DIVISION_CODE_LENGTH, db_index=True, editable=False)
    name = models.CharField(_("名称"), max_length=100)
    level = models.PositiveSmallIntegerField(_("层级"), choices=Kind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    center_lat = models.FloatField(_("中心纬度"), null=True, blank=True)
    center_lng = models.FloatField(_("中心经度"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self):
        return f"{self.name}（{self.code}）"

    def save(self, *args, **kwargs):
        self.grid_code = significant_prefix(self.code)
        super().save(*args, **kwargs)

    @property
    def prefix(self) -> str:
        return self.grid_code


class Grid(models.Model):
    """A grid (网格): the patch of a community one grid worker answers for."""

    code = models.CharField(_("网格代码"), max_length=GRID_CODE_LENGTH, unique=True)
    grid_code = models.CharField(_("网格代码"), max_length=GRID_CODE_LENGTH, db_index=True, editable=False)
    community = models.ForeignKey(
        Division, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="grids"
    )
    name = models.CharField(_("名称"), max_length=100)
    # GeoJSON Polygon geometry ({"type": "Polygon", "coordinates": [...]}) in WGS84.
    polygon = models.JSONField(_("边界"), null=True, blank=True)
    # Denormalised counts kept by the services, so a city-wide overview never counts 10M rows.
    building_count = models.PositiveIntegerField(_("楼栋数"), default=0)
    household_count = models.PositiveIntegerField(_("户数"), default=0)
    resident_count = models.PositiveIntegerField(_("人数"), default=0)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("网格")
        verbose_name_plural = _("网格")
        ordering = ["code"]

    def __str__(self):
        return f"{self.name}（{self.code}）"

    def save(self, *args, **kwargs):
        self.grid_code = self.code
        super().save(*args, **kwargs)


class GridAssignment(models.Model):
    """Who answers for a grid or building: 网格员, 警员, 楼长 and the "N" specialists of "2+N"."""

    class Duty(models.TextChoices):
        GRID_WORKER = "grid_worker", _("网格员")
        POLICE = "police", _("警员")
        BUILDING_LEADER = "building_leader", _("楼长")
        DOCTOR = "doctor", _("医生")
        VOLUNTEER = "volunteer", _("志愿者")

    grid = models.ForeignKey(Grid, verbose_name=_("网格"), on_delete=models.CASCADE, related_name="assignments")
    building = models.ForeignKey(
        "Building", verbose_name=_("楼栋"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="assignments",
    )
    grid_code = models.CharField(_("网格代码"), max_length=GRID_CODE_LENGTH, db_index=True, editable=False)
    duty = models.CharField(_("职责"), max_length=20, choices=Duty.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("账号"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="grid_assignments",
    )
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("电话"), max_length=20, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("网格责任人")
        verbose_name_plural = _("网格责任人")

    def __str__(self):
        return f"{self.get_duty_display()} {self.name}"

    def save(self, *args, **kwargs):
        self.grid_code = self.grid.code
        super().save(*args, **kwargs)


class Building(models.Model):
    """A building (楼栋) inside a grid, with its location."""

    code = models.CharField(_("楼栋代码"), max_length=BUILDING_CODE_LENGTH, unique=True)
    grid = models.ForeignKey(Grid, verbose_name=_("网格"), on_delete=models.PROTECT, related_name="buildings")
    grid_code = models.CharField(_("网格代码"), max_length=GRID_CODE_LENGTH, db_index=True, editable=False)
    name = models.CharField(_("名称"), max_length=100)
    # The compound (小区) the building belongs to; blank: the building's grid counts as its compound.
    compound = models.CharField(_("小区"), max_length=100, blank=True, db_index=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    lng = models.FloatField(_("经度"), null=True, blank=True)
    floors = models.PositiveSmallIntegerField(_("层数"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("楼栋")
        verbose_name_plural = _("楼栋")
        ordering = ["code"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.grid_code = self.grid.code
        super().save(*args, **kwargs)


class Unit(models.Model):
    """A unit (单元, stairwell) of a building: the finest level of the four-level grid."""

    code = models.CharField(_("单元代码"), max_length=UNIT_CODE_LENGTH, unique=True)
    building = models.ForeignKey(Building, verbose_name=_("楼栋"), on_delete=models.PROTECT, related_name="units")
    grid_code = models.CharField(_("网格代码"), max_length=GRID_CODE_LENGTH, db_index=True, editable=False)
    name = models.CharField(_("名称"), max_length=50)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("单元")
        verbose_name_plural = _("单元")
        ordering = ["code"]

    def __str__(self):
        return f"{self.building.name}{self.name}"

    def save(self, *args, **kwargs):
        self.grid_code = self.building.grid_code
        super().save(*args, **kwargs)


class Household(models.Model):
    """A household (户) behind one door."""

    code = models.CharField(_("户编码"), max_length=HOUSEHOLD_CODE_LENGTH, unique=True)
    unit = models.ForeignKey(Unit, verbose_name=_("单元"), on_delete=models.PROTECT, related_name="households")
    grid_code = models.CharField(_("网格代码"), max_length=GRID_CODE_LENGTH, editable=False)
    door_number = models.CharField(_("门牌号"), max_length=20)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    resident_count = models.PositiveSmallIntegerField(_("人数"), default=0)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("户")
        verbose_name_plural = _("户")
        ordering = ["code"]
        indexes = [models.Index(fields=["grid_code", "code"], name="household_grid_code_idx")]

    def __str__(self):
        return self.address or self.door_number

    def save(self, *args, **kwargs):
        self.grid_code = self.unit.grid_code
        super().save(*args, **kwargs)
