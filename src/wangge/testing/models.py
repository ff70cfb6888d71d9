"""全员核酸: rounds over an area, their sampling points, tubes (single or pooled), the people sampled
into them, the devices' upload batches, lab results, and what a positive pool sets off (temporary
control, single-tube retests at a point or at the door).

Every table carries ``grid_code``: a round its area's prefix (a division or a grid), a point and a
tube the grid they stand in, a sample the grid of the person sampled, so the coverage of an area
and the scoping of every list are one indexed prefix filter.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wangge.core.codes import GRID_CODE_LENGTH
from wangge.core.scoping import ScopedManager
from wangge.grid.models import Building
from wangge.people.models import Resident


class ControlLevel(models.TextChoices):
    """An area's control level (封控区/管控区/防范区): it chooses the pooling of the area's round."""

    SEALED = "sealed", _("封控区")
    CONTROLLED = "controlled", _("管控区")
    PRECAUTION = "precaution", _("防范区")
    NORMAL = "normal", _("常态化")


class Round(models.Model):
    """A testing round (一轮全员核酸) over an area, on one day or on a schedule."""

    class Repeat(models.TextChoices):
        ONCE = "once", _("单次")
        DAILY = "daily", _("每天")
        EVERY_OTHER = "every_other", _("隔天")
        EVERY_N = "every_n", _("每N天")

    class Status(models.TextChoices):
        OPEN = "open", _("进行中")
        CLOSED = "closed", _("已结束")

    # The area's significant prefix (a division or a grid): coverage is everyone whose grid starts with it.
    grid_code = models.CharField(_("区域代码"), max_length=GRID_CODE_LENGTH, db_index=True)
    name = models.CharField(_("名称"), max_length=100)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)
    repeat = models.CharField(_("频次"), max_length=12, choices=Repeat.choices, default=Repeat.ONCE)
    every_days = models.PositiveSmallIntegerField(_("间隔天数"), default=1)
    control_level = models.CharField(_("管控等级"), max_length=12, choices=ControlLevel.choices,
                                     default=ControlLevel.PRECAUTION)
    # People per pooled tube; null: chosen by the control level (settings.WANGGE_TESTING_POOLING).
    pool_size = models.PositiveSmallIntegerField(_("混采人数"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发起人"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("发起时间"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("核酸检测轮次")
        verbose_name_plural = _("核酸检测轮次")
        ordering = ["-starts_on", "-id"]

    def __str__(self):
        return self.name


class SamplingPoint(models.Model):
    """A sampling point (采样点) of a round: where it stands, its hours and its staff."""

    round = models.ForeignKey(Round, verbose_name=_("轮次"), on_delete=models.CASCADE, related_name="points")
    grid_code = models.CharField(_("网格代码"), max_length=GRID_CODE_LENGTH, db_index=True)
    name = models.CharField(_("名称"), max_length=100)
    building = models.ForeignKey(Building, verbose_name=_("楼栋"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    lng = models.FloatField(_("经度"), null=True, blank=True)
    opens_at = models.TimeField(_("开始时间"), null=True, blank=True)
    closes_at = models.TimeField(_("结束时间"), null=True, blank=True)
    samplers = models.PositiveSmallIntegerField(_("采样人员数"), default=1)
    staff = models.CharField(_("工作人员"), max_length=300, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("采样点")
        verbose_name_plural = _("采样点")
        ordering = ["round", "name", "id"]

    def __str__(self):
        return self.name


class Tube(models.Model):
    """A tube (采样管): one person (single) or up to ``capacity`` people (pooled), one barcode."""

    class Status(models.TextChoices):
        OPEN = "open", _("采样中")
        CLOSED = "closed", _("已封管")
        RECEIVED = "received", _("已接收")
        RESULTED = "resulted", _("已出结果")

    class Result(models.TextChoices):
        PENDING = "pending", _("待检测")
        NEGATIVE = "negative", _("阴性")
        POSITIVE = "positive", _("阳性")
        INVALID = "invalid", _("无效")

    # Fewer indexes, faster ingest: (round, point, status) leads with the round.
    round = models.ForeignKey(Round, verbose_name=_("轮次"), on_delete=models.CASCADE, related_name="tubes",
                              db_index=False)
    point = models.ForeignKey(SamplingPoint, verbose_name=_("采样点"), on_delete=models.PROTECT, related_name="tubes")
    grid_code = models.CharField(_("网格代码"), max_length=GRID_CODE_LENGTH)
    barcode = models.CharField(_("条码"), max_length=40, unique=True)
    capacity = models.PositiveSmallIntegerField(_("容量"), default=10)
    size = models.PositiveSmallIntegerField(_("已采人数"), default=0)
    day = models.DateField(_("采样日期"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    result = models.CharField(_("结果"), max_length=10, choices=Result.choices, default=Result.PENDING)
    lab = models.CharField(_("检测机构"), max_length=100, blank=True)
    opened_at = models.DateTimeField(_("开管时间"))
    closed_at = models.DateTimeField(_("封管时间"), null=True, blank=True)
    received_at = models.DateTimeField(_("接收时间"), null=True, blank=True)
    resulted_at = models.DateTimeField(_("出结果时间"), null=True, blank=True)
    batch = models.ForeignKey("DeviceBatch", verbose_name=_("上传批次"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="batch_tubes", db_index=False)
    # The sampler whose tube it is: each sampler at a point fills their own pooled tube.
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("采样人员"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+", db_index=False, db_constraint=False)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("采样管")
        verbose_name_plural = _("采样管")
        ordering = ["grid_code", "id"]
        indexes = [
            models.Index(fields=["grid_code", "id"], name="testing_tube_grid_id_idx"),
            models.Index(fields=["round", "point", "status"], name="testing_tube_point_idx"),
        ]

    def __str__(self):
        return self.barcode

    @property
    def pooled(self) -> bool:
        return self.capacity > 1


class Sample(models.Model):
    """One person sampled into one tube.  A second sample of the same person on the same day of a
    round is kept, flagged ``repeat``, and never counted twice."""

    round = models.ForeignKey(Round, verbose_name=_("轮次"), on_delete=models.CASCADE, related_name="samples",
                              db_index=False, db_constraint=False)  # the tube's round; led by the once-a-day index
    tube = models.ForeignKey(Tube, verbose_name=_("采样管"), on_delete=models.CASCADE, related_name="samples")
    resident = models.ForeignKey(Resident, verbose_name=_("居民"), on_delete=models.CASCADE,
                                 related_name="nat_samples", db_index=False)  # led by (resident, sampled_at)
    grid_code = models.CharField(_("网格代码"), max_length=GRID_CODE_LENGTH)
    day = models.DateField(_("采样日期"))
    sampled_at = models.DateTimeField(_("采样时间"))
    repeat = models.BooleanField(_("重复采样"), default=False)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("采样登记人"), null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+", db_index=False, db_constraint=False)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("采样记录")
        verbose_name_plural = _("采样记录")
        ordering = ["grid_code", "id"]
        constraints = [
            # Counted once: one first sample a person a day of a round; later ones are ``repeat``.
            models.UniqueConstraint(fields=["round", "day", "resident"], condition=Q(repeat=False),
                                    name="testing_sample_once_a_day"),
        ]
        indexes = [
            models.Index(fields=["grid_code", "id"], name="testing_sample_grid_id_idx"),
            models.Index(fields=["resident", "sampled_at"], name="testing_sample_person_idx"),
        ]

    def __str__(self):
        return f"{self.resident_id}@{self.tube_id}"


class DeviceBatch(models.Model):
    """A sampling device's upload: its own id makes a batch sent twice record once."""

    batch_id = models.CharField(_("批次号"), max_length=64, unique=True)
    round = models.ForeignKey(Round, verbose_name=_("轮次"), on_delete=models.CASCADE, related_name="batches")
    grid_code = models.CharField(_("网格代码"), max_length=GRID_CODE_LENGTH)
    tubes = models.PositiveIntegerField(_("管数"), default=0)
    samples = models.PositiveIntegerField(_("人数"), default=0)
    repeats = models.PositiveIntegerField(_("重复采样"), default=0)
    problems = models.JSONField(_("问题"), default=list, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True,
                           on_delete=models.SET_NULL, related_name="+")
    received_at = models.DateTimeField(_("接收时间"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("上传批次")
        verbose_name_plural = _("上传批次")

    def __str__(self):
        return self.batch_id


class Control(models.Model):
    """Temporary control (临时管控) of a member of a positive pool until their single-tube retest is
    negative: it turns their code yellow (answered to ``codes.hooks.colour_facts``)."""

    resident = models.ForeignKey(Resident, verbose_name=_("居民"), on_delete=models.CASCADE,
                                 related_name="nat_controls")
    grid_code = models.CharField(_("网格代码"), max_length=GRID_CODE_LENGTH)
    tube = models.ForeignKey(Tube, verbose_name=_("阳性混管"), on_delete=models.CASCADE, related_name="controls")
    since = models.DateTimeField(_("管控时间"))
    ended_at = models.DateTimeField(_("解除时间"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("混管阳性临时管控")
        verbose_name_plural = _("混管阳性临时管控")
        constraints = [models.UniqueConstraint(fields=["tube", "resident"], name="testing_control_once")]
        indexes = [models.Index(fields=["resident", "ended_at"], name="testing_control_person_idx")]

    def __str__(self):
        return f"{self.resident_id}:{self.tube_id}"


class SamplingTask(models.Model):
    """A single-tube sampling to do: a positive pool's retest (复检), or a bedridden person's
    door-to-door sampling (上门采样)."""

    class Kind(models.TextChoices):
        RETEST = "retest", _("单管复检")
        DOOR = "door", _("上门采样")

    class Status(models.TextChoices):
        OPEN = "open", _("待采样")
        DONE = "done", _("已采样")

    round = models.ForeignKey(Round, verbose_name=_("轮次"), on_delete=models.CASCADE, related_name="tasks")
    resident = models.ForeignKey(Resident, verbose_name=_("居民"), on_delete=models.CASCADE,
                                 related_name="nat_tasks")
    grid_code = models.CharField(_("网格代码"), max_length=GRID_CODE_LENGTH)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    at_door = models.BooleanField(_("上门"), default=False)
    tube = models.ForeignKey(Tube, verbose_name=_("来源混管"), null=True, blank=True, on_delete=models.CASCADE,
                             related_name="tasks")
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(_("创建时间"))
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("采样任务")
        verbose_name_plural = _("采样任务")
        ordering = ["grid_code", "id"]
        indexes = [
            models.Index(fields=["grid_code", "id"], name="testing_task_grid_id_idx"),
            models.Index(fields=["tube", "status"], name="testing_task_tube_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.resident_id}"


class Exemption(models.Model):
    """Why a person of the area is not sampled at a point this round: bedridden (sampled at the door)
    or away (a note)."""

    class Kind(models.TextChoices):
        BEDRIDDEN = "bedridden", _("卧床（上门采样）")
        AWAY = "away", _("不在本地")

    round = models.ForeignKey(Round, verbose_name=_("轮次"), on_delete=models.CASCADE, related_name="exemptions")
    resident = models.ForeignKey(Resident, verbose_name=_("居民"), on_delete=models.CASCADE,
                                 related_name="nat_exemptions")
    grid_code = models.CharField(_("网格代码"), max_length=GRID_CODE_LENGTH)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True,
                           on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("免于到点采样")
        verbose_name_plural = _("免于到点采样")
        constraints = [models.UniqueConstraint(fields=["round", "resident"], name="testing_exemption_once")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.resident_id}"
