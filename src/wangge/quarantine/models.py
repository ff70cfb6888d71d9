"""Quarantine (隔离): regimes as data, centralised sites and rooms, orders with their test schedules."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wangge.core.codes import GRID_CODE_LENGTH
from wangge.core.scoping import ScopedManager
from wangge.people.models import Resident


class Regime(models.Model):
    """A quarantine regime: days in a centralised site, then at home, and the test days of each.

    Test days count from 1 = the first day of that phase.  The editions used in China are
    installed as presets (migration 0002) and can be added to or edited.
    """

    code = models.SlugField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    central_days = models.PositiveSmallIntegerField(_("集中隔离天数"), default=0)
    home_days = models.PositiveSmallIntegerField(_("居家隔离/健康监测天数"), default=0)
    central_test_days = models.JSONField(_("集中隔离检测日"), default=list, blank=True)
    home_test_days = models.JSONField(_("居家检测日"), default=list, blank=True)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("隔离方案")
        verbose_name_plural = _("隔离方案")
        ordering = ["code"]

    def __str__(self):
        return self.name

    # The presets' names and descriptions are msgids (quarantine.presets): shown in the user's
    # language; a regime a user wrote stays as written.
    @property
    def shown_name(self) -> str:
        return gettext(self.name) if self.name else ""

    @property
    def shown_description(self) -> str:
        return gettext(self.description) if self.description else ""

    @property
    def total_days(self) -> int:
        return self.central_days + self.home_days


class Site(models.Model):
    """A centralised quarantine site (集中隔离点)."""

    name = models.CharField(_("名称"), max_length=100)
    # The division that runs the site (a district or street prefix); sites scope like the grid.
    grid_code = models.CharField(_("所属区划前缀"), max_length=GRID_CODE_LENGTH, db_index=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    lng = models.FloatField(_("经度"), null=True, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("集中隔离点")
        verbose_name_plural = _("集中隔离点")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Room(models.Model):
    site = models.ForeignKey(Site, verbose_name=_("隔离点"), on_delete=models.CASCADE, related_name="rooms")
    grid_code = models.CharField(_("所属区划前缀"), max_length=GRID_CODE_LENGTH)
    number = models.CharField(_("房间号"), max_length=20)
    capacity = models.PositiveSmallIntegerField(_("床位数"), default=1)
    is_active = models.BooleanField(_("可用"), default=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("隔离房间")
        verbose_name_plural = _("隔离房间")
        ordering = ["site", "number"]
        constraints = [models.UniqueConstraint(fields=["site", "number"], name="room_number_unique")]

    def __str__(self):
        return f"{self.site.name} {self.number}"


class QuarantineOrder(models.Model):
    class Place(models.TextChoices):
        HOME = "home", _("居家隔离")
        CENTRAL = "central", _("集中隔离")

    class Phase(models.TextChoices):
        CENTRAL = "central", _("集中隔离期")
        HOME = "home", _("居家期")

    class Status(models.TextChoices):
        ACTIVE = "active", _("隔离中")
        RELEASED = "released", _("已解除")
        TRANSFERRED = "transferred", _("已转运")
        CANCELLED = "cancelled", _("已撤销")

    resident = models.ForeignKey(
        Resident, verbose_name=_("隔离人员"), on_delete=models.PROTECT, related_name="quarantine_orders"
    )
    grid_code = models.CharField(_("网格代码"), max_length=GRID_CODE_LENGTH)
    regime = models.ForeignKey(Regime, verbose_name=_("隔离方案"), on_delete=models.PROTECT, related_name="orders")
    place = models.CharField(_("隔离方式"), max_length=10, choices=Place.choices)
    phase = models.CharField(_("当前阶段"), max_length=10, choices=Phase.choices)
    site = models.ForeignKey(
        Site, verbose_name=_("隔离点"), null=True, blank=True, on_delete=models.PROTECT, related_name="orders"
    )
    room = models.ForeignKey(
        Room, verbose_name=_("房间"), null=True, blank=True, on_delete=models.PROTECT, related_name="orders"
    )
    start_date = models.DateField(_("开始日期"))
    planned_release = models.DateField(_("计划解除日期"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    reason = models.CharField(_("隔离原因"), max_length=200)
    contact = models.ForeignKey(
        "tracing.Contact", verbose_name=_("来源密接"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="quarantine_orders",
    )
    extension_days = models.PositiveSmallIntegerField(_("延长天数"), default=0)
    extension_reason = models.CharField(_("延长原因"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    released_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("解除人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    certificate_number = models.CharField(_("解除证明编号"), max_length=30, blank=True, unique=True, null=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("隔离令")
        verbose_name_plural = _("隔离令")
        ordering = ["-start_date", "-id"]
        indexes = [
            models.Index(fields=["status", "grid_code"], name="quarantine_status_idx"),
            models.Index(fields=["status", "planned_release"], name="quarantine_release_idx"),
        ]

    def __str__(self):
        return f"{self.resident} {self.get_place_display()} {self.start_date}"


class QuarantineTest(models.Model):
    """A test the regime requires on a given day of the order.

    ``result``, ``result_at`` and ``recorded_by`` are the test's *current* result: that of its latest
    ``TestResultEntry`` (the first entry, or the latest correction).  They are kept here so that the
    release check, the lists and the overdue jobs read one column.
    """

    class Result(models.TextChoices):
        PENDING = "pending", _("待检测")
        NEGATIVE = "negative", _("阴性")
        POSITIVE = "positive", _("阳性")

    order = models.ForeignKey(QuarantineOrder, on_delete=models.CASCADE, related_name="tests")
    grid_code = models.CharField(_("网格代码"), max_length=GRID_CODE_LENGTH)
    phase = models.CharField(_("阶段"), max_length=10, choices=QuarantineOrder.Phase.choices)
    day = models.PositiveSmallIntegerField(_("第几天"))
    due_date = models.DateField(_("应检日期"))
    result = models.CharField(_("结果"), max_length=10, choices=Result.choices, default=Result.PENDING)
    sampled_at = models.DateTimeField(_("采样时间"), null=True, blank=True)
    result_at = models.DateTimeField(_("出结果时间"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("隔离期检测")
        verbose_name_plural = _("隔离期检测")
        ordering = ["due_date"]
        constraints = [models.UniqueConstraint(fields=["order", "phase", "day"], name="quarantine_test_once")]
        indexes = [models.Index(fields=["result", "due_date"], name="quarantine_test_due_idx")]

    def __str__(self):
        return f"{self.order_id} {self.get_phase_display()} 第{self.day}天"


class TestResultEntry(models.Model):
    """One result recorded for a test (检测结果记录): the first one, then each correction.

    Entries are never edited or deleted.  A correction names the entry it corrects, who made it,
    when, the new result and why; the test's current result is that of its latest entry.
    """

    __test__ = False  # a domain name, not a pytest class

    test = models.ForeignKey(QuarantineTest, verbose_name=_("检测"), on_delete=models.CASCADE, related_name="entries")
    grid_code = models.CharField(_("网格代码"), max_length=GRID_CODE_LENGTH)
    result = models.CharField(_("结果"), max_length=10, choices=QuarantineTest.Result.choices)
    corrects = models.OneToOneField(
        "self", verbose_name=_("更正的记录"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="correction",
    )
    reason = models.CharField(_("更正原因"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("录入时间"))

    objects = ScopedManager()

    class Meta:
        verbose_name = _("检测结果记录")
        verbose_name_plural = _("检测结果记录")
        ordering = ["recorded_at", "id"]

    def __str__(self):
        return f"{self.test_id} {self.get_result_display()}"

    @property
    def is_correction(self) -> bool:
        return self.corrects_id is not None
