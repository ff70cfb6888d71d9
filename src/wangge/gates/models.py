"""卡口: checkpoints of compounds, who guards them (the duty roster), the rules of closed
management, passes (出入证), visitors, and every entry and exit (``GateScan``).

``GateScan`` is the big table (tens of millions of rows in an outbreak): narrow columns, the
temperature in tenths of a degree, the decision and its reason as short codes, and two composite
indexes that every read walks: (checkpoint, at) for a gate's log and (resident, at) for a
person's passes (the exposures of a case).  ``uuid`` is made by the device that scanned, so a
batch uploaded twice records once.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wangge.core.codes import GRID_CODE_LENGTH
from wangge.core.scoping import ScopedManager
from wangge.people.models import Resident

# A compound (小区) is identified by its community's prefix and its name, or by its grid when its
# buildings name no compound (``grid.Building.compound`` blank): ``compound_key`` in ``selectors``.
COMPOUND_KEY_LENGTH = 120


class ControlLevel(models.TextChoices):
    """The area's control level; ``rules.LEVEL_RULES`` says what each allows at the gate."""

    OPEN = "open", _("常态防控")
    PREVENTION = "prevention", _("防范区")
    CLOSED = "closed", _("封闭管理")
    LOCKED = "locked", _("封控区")


class Checkpoint(models.Model):
    """A gate (卡口) of a compound.  Every gate of a compound shares its control level."""

    grid_code = models.CharField(_("网格代码"), max_length=GRID_CODE_LENGTH, db_index=True)
    compound = models.CharField(_("小区"), max_length=100, blank=True)
    compound_key = models.CharField(_("小区编号"), max_length=COMPOUND_KEY_LENGTH, db_index=True, editable=False)
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("管控级别"), max_length=12, choices=ControlLevel.choices, default=ControlLevel.OPEN)
    # 封闭管理: N people of a household may go out once every D days (shopping).
    outing_days = models.PositiveSmallIntegerField(_("外出周期（天）"), default=2)
    outing_people = models.PositiveSmallIntegerField(_("每户每周期外出人数"), default=1)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("设立时间"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("卡口")
        verbose_name_plural = _("卡口")
        ordering = ["grid_code", "id"]
        indexes = [models.Index(fields=["grid_code", "id"], name="gates_checkpoint_grid_idx")]

    def __str__(self):
        return f"{self.compound or self.grid_code}·{self.name}"


class GuardKind(models.TextChoices):
    GRID_WORKER = "grid_worker", _("网格员")
    POLICE = "police", _("民警")
    VOLUNTEER = "volunteer", _("志愿者")
    PROPERTY_GUARD = "property_guard", _("物业保安")
    RESIDENT = "resident", _("居民轮值")


class GateDuty(models.Model):
    """One shift on the duty roster (值守排班): who guards which gate, when.  It is also what
    limits a guard's account to their gates: a guard may scan at a gate only during a shift there
    (``selectors.gate_for_guard``)."""

    checkpoint = models.ForeignKey(Checkpoint, verbose_name=_("卡口"), on_delete=models.CASCADE,
                                   related_name="duties")
    grid_code = models.CharField(_("网格代码"), max_length=GRID_CODE_LENGTH, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("账号"), on_delete=models.CASCADE,
                             related_name="gate_duties")
    kind = models.CharField(_("值守身份"), max_length=20, choices=GuardKind.choices)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    created_at = models.DateTimeField(_("排班时间"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("值守排班")
        verbose_name_plural = _("值守排班")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["user", "ends_at"], name="gates_duty_user_idx"),
                   models.Index(fields=["checkpoint", "starts_at"], name="gates_duty_checkpoint_idx")]

    def __str__(self):
        return f"{self.user} @ {self.checkpoint_id}"


class GatePass(models.Model):
    """出入证: lets its holder through the gates of one compound until it expires, at most
    ``daily_quota`` exits a day (blank: no limit).  An essential worker's pass lets them out of a
    locked compound, or into one they do not live in."""

    class Kind(models.TextChoices):
        ESSENTIAL = "essential", _("保供人员")
        MEDICAL = "medical", _("医护人员")
        STAFF = "staff", _("防控工作人员")
        OUTING = "outing", _("外出采购")
        OTHER = "other", _("其他")

    holder = models.ForeignKey(Resident, verbose_name=_("持证人"), on_delete=models.CASCADE,
                               related_name="gate_passes")
    grid_code = models.CharField(_("网格代码"), max_length=GRID_CODE_LENGTH, db_index=True)
    compound_key = models.CharField(_("小区编号"), max_length=COMPOUND_KEY_LENGTH)
    number = models.CharField(_("证号"), max_length=16, unique=True)
    kind = models.CharField(_("类别"), max_length=12, choices=Kind.choices)
    valid_from = models.DateTimeField(_("生效时间"))
    valid_until = models.DateTimeField(_("失效时间"))
    daily_quota = models.PositiveSmallIntegerField(_("每日外出次数"), null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("签发人"), null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    issued_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("作废时间"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("出入证")
        verbose_name_plural = _("出入证")
        ordering = ["grid_code", "id"]
        indexes = [models.Index(fields=["holder", "compound_key"], name="gates_pass_holder_idx"),
                   models.Index(fields=["compound_key", "valid_until"], name="gates_pass_compound_idx"),
                   models.Index(fields=["grid_code", "id"], name="gates_pass_grid_idx")]

    def __str__(self):
        return self.number


class QuotaUse(models.Model):
    """How much of a quota is used: a household's outings in a period (``h:<household>:<period>``)
    or a pass's exits on a day (``p:<pass>:<date>``).  One row a key, incremented by one
    conditional upsert, so two gates deciding at once cannot both take the last place."""

    key = models.CharField(_("配额键"), max_length=60, unique=True)
    used = models.PositiveIntegerField(_("已用"), default=0)
    day = models.DateField(_("日期"), db_index=True)  # the period's first day, for clearing old rows

    class Meta:
        verbose_name = _("配额使用")
        verbose_name_plural = _("配额使用")

    def __str__(self):
        return f"{self.key}={self.used}"


class GateScan(models.Model):
    """One entry or exit at a gate, with the four musts: identity (``resident`` or a visitor),
    temperature, mask and time; and the decision with its reason."""

    class Direction(models.TextChoices):
        IN = "i", _("进")
        OUT = "o", _("出")

    class Method(models.TextChoices):
        TOKEN = "t", _("扫码")
        PAPER = "p", _("纸质码")
        ID_NUMBER = "n", _("证件号")
        VISITOR = "v", _("访客登记")

    uuid = models.UUIDField(_("扫码编号"), unique=True)
    checkpoint = models.ForeignKey(Checkpoint, verbose_name=_("卡口"), on_delete=models.PROTECT,
                                   related_name="+", db_index=False)
    grid_code = models.CharField(_("网格代码"), max_length=GRID_CODE_LENGTH)
    at = models.DateTimeField(_("时间"))
    resident = models.ForeignKey(Resident, verbose_name=_("居民"), null=True, on_delete=models.SET_NULL,
                                 related_name="+", db_index=False)
    direction = models.CharField(_("方向"), max_length=1, choices=Direction.choices)
    method = models.CharField(_("方式"), max_length=1, choices=Method.choices)
    passed = models.BooleanField(_("放行"))
    reason = models.CharField(_("原因"), max_length=24, blank=True)
    colour = models.CharField(_("颜色"), max_length=1, blank=True)
    temperature = models.PositiveSmallIntegerField(_("体温（0.1℃）"), null=True, blank=True)
    mask = models.BooleanField(_("佩戴口罩"), null=True)
    gate_pass = models.ForeignKey(GatePass, verbose_name=_("出入证"), null=True, on_delete=models.SET_NULL,
                                  related_name="+", db_index=False)
    guard = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("值守人员"), null=True,
                              on_delete=models.SET_NULL, related_name="+", db_index=False)
    offline = models.BooleanField(_("离线判定"), default=False)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("出入记录")
        verbose_name_plural = _("出入记录")
        indexes = [models.Index(fields=["checkpoint", "at"], name="gates_scan_checkpoint_at_idx"),
                   models.Index(fields=["resident", "at"], name="gates_scan_resident_at_idx",
                                condition=Q(resident__isnull=False))]

    def __str__(self):
        return f"{self.checkpoint_id} {self.at:%Y-%m-%d %H:%M} {self.direction}"


class Visitor(models.Model):
    """访客登记: someone who does not live in the compound, let in to see a household."""

    checkpoint = models.ForeignKey(Checkpoint, verbose_name=_("卡口"), on_delete=models.CASCADE,
                                   related_name="visitors")
    grid_code = models.CharField(_("网格代码"), max_length=GRID_CODE_LENGTH, db_index=True)
    scan = models.OneToOneField(GateScan, verbose_name=_("出入记录"), null=True, on_delete=models.SET_NULL,
                                related_name="+")
    name = models.CharField(_("访客姓名"), max_length=50)
    phone = models.CharField(_("访客电话"), max_length=20)
    visiting = models.CharField(_("拜访住户"), max_length=100)
    purpose = models.CharField(_("事由"), max_length=200)
    at = models.DateTimeField(_("登记时间"))
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True,
                                      on_delete=models.SET_NULL, related_name="+")

    objects = ScopedManager()

    class Meta:
        verbose_name = _("访客")
        verbose_name_plural = _("访客")
        ordering = ["-at", "-id"]

    def __str__(self):
        return self.name
