"""Residents (居民): one record per person, in a household, with key-group tags."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.core.codes import GRID_CODE_LENGTH
from wangge.core.scoping import ScopedManager
from wangge.grid.models import Household
from wangge.people.idcard import mask_id_number, mask_phone


class KeyGroupTag(models.Model):
    """A key group (重点人群); data, so a city can add its own."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=40, unique=True)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("重点人群标签")
        verbose_name_plural = _("重点人群标签")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name


class Resident(models.Model):
    class Sex(models.TextChoices):
        MALE = "M", _("男")
        FEMALE = "F", _("女")

    class IdType(models.TextChoices):
        RESIDENT_ID = "resident_id", _("居民身份证")
        PASSPORT = "passport", _("护照")
        HK_MACAO = "hk_macao", _("港澳居民来往内地通行证")
        TAIWAN = "taiwan", _("台湾居民来往大陆通行证")
        FOREIGN_PR = "foreign_pr", _("外国人永久居留身份证")
        OTHER = "other", _("其他证件")

    class Relation(models.TextChoices):
        HEAD = "head", _("户主")
        SPOUSE = "spouse", _("配偶")
        CHILD = "child", _("子女")
        PARENT = "parent", _("父母")
        GRANDPARENT = "grandparent", _("祖父母/外祖父母")
        GRANDCHILD = "grandchild", _("孙子女/外孙子女")
        SIBLING = "sibling", _("兄弟姐妹")
        OTHER_RELATIVE = "relative", _("其他亲属")
        TENANT = "tenant", _("租客")
        OTHER = "other", _("其他")

    class ResidenceType(models.TextChoices):
        REGISTERED = "registered", _("户籍")
        PERMANENT = "permanent", _("常住")
        FLOATING = "floating", _("流动")

    household = models.ForeignKey(
        Household, verbose_name=_("户"), on_delete=models.PROTECT, related_name="residents"
    )
    grid_code = models.CharField(_("网格代码"), max_length=GRID_CODE_LENGTH)
    name = models.CharField(_("姓名"), max_length=50)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    id_type = models.CharField(_("证件类型"), max_length=20, choices=IdType.choices, default=IdType.RESIDENT_ID)
    id_number = models.CharField(_("证件号码"), max_length=30)
    # Last four characters of the ID number, indexed: "search by the last digits" at a door.
    id_tail = models.CharField(_("证件号后四位"), max_length=4, editable=False)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    relation = models.CharField(_("与户主关系"), max_length=20, choices=Relation.choices, default=Relation.HEAD)
    residence_type = models.CharField(
        _("人口类型"), max_length=20, choices=ResidenceType.choices, default=ResidenceType.REGISTERED
    )
    tags = models.ManyToManyField(
        KeyGroupTag, verbose_name=_("重点人群"), through="ResidentTag", related_name="residents", blank=True
    )
    note = models.CharField(_("备注"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("居民")
        verbose_name_plural = _("居民")
        constraints = [
            models.UniqueConstraint(fields=["id_type", "id_number"], name="resident_unique_id_number"),
            # One head (户主) per household.  The services refuse a second one with a coded error
            # (``household_has_head``); this is the guarantee under races and bulk writes.
            models.UniqueConstraint(
                fields=["household"], condition=models.Q(relation="head"), name="resident_one_head_per_household"
            ),
        ]
        indexes = [
            # Keyset pagination of every scoped list walks this index: (grid_code, id) > cursor.
            models.Index(fields=["grid_code", "id"], name="resident_grid_id_idx"),
            # Pattern ops: a name-prefix search (LIKE '张%') uses it under any collation on PostgreSQL.
            models.Index(fields=["name"], opclasses=["varchar_pattern_ops"], name="resident_name_prefix_idx"),
            models.Index(fields=["id_tail", "grid_code"], name="resident_id_tail_idx"),
            models.Index(fields=["phone"], name="resident_phone_idx"),
        ]

    def __str__(self):
        return self.name

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number, self.id_type)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)


class ResidentTag(models.Model):
    """A resident's key-group tag, with the grid code so "elderly alone in my street" is indexed."""

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="tag_links")
    tag = models.ForeignKey(KeyGroupTag, on_delete=models.PROTECT, related_name="resident_links")
    grid_code = models.CharField(max_length=GRID_CODE_LENGTH)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("居民标签")
        verbose_name_plural = _("居民标签")
        constraints = [models.UniqueConstraint(fields=["resident", "tag"], name="resident_tag_unique")]
        indexes = [models.Index(fields=["tag", "grid_code"], name="resident_tag_grid_idx")]

    def __str__(self):
        return f"{self.resident_id}:{self.tag_id}"


class HouseholdMove(models.Model):
    """A resident moving from one household to another: history is kept, never overwritten."""

    resident = models.ForeignKey(Resident, verbose_name=_("居民"), on_delete=models.CASCADE, related_name="moves")
    grid_code = models.CharField(_("迁入网格"), max_length=GRID_CODE_LENGTH, db_index=True)
    from_household = models.ForeignKey(
        Household, verbose_name=_("迁出户"), on_delete=models.PROTECT, related_name="moves_out"
    )
    to_household = models.ForeignKey(
        Household, verbose_name=_("迁入户"), on_delete=models.PROTECT, related_name="moves_in"
    )
    from_relation = models.CharField(_("原与户主关系"), max_length=20)
    to_relation = models.CharField(_("新与户主关系"), max_length=20)
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    moved_at = models.DateTimeField(_("迁移时间"), auto_now_add=True)
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("迁移记录")
        verbose_name_plural = _("迁移记录")
        ordering = ["-moved_at", "-id"]

    def __str__(self):
        return f"{self.resident_id}: {self.from_household_id} → {self.to_household_id}"


class ImportJob(models.Model):
    """An import of residents or buildings from a spreadsheet, validated row by row."""

    class Kind(models.TextChoices):
        RESIDENTS = "residents", _("居民")
        BUILDINGS = "buildings", _("楼栋与房屋")

    class Mode(models.TextChoices):
        ALL_OR_NOTHING = "all_or_nothing", _("全部成功才导入")
        VALID_ONLY = "valid_only", _("仅导入有效行")

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("导入中")
        SUCCEEDED = "succeeded", _("已完成")
        REJECTED = "rejected", _("有错误，未导入")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    mode = models.CharField(_("模式"), max_length=20, choices=Mode.choices, default=Mode.ALL_OR_NOTHING)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PENDING)
    # Every import lands inside the importer's reach; rows outside it are refused.
    grid_code = models.CharField(_("范围"), max_length=GRID_CODE_LENGTH, blank=True, db_index=True)
    file_name = models.CharField(_("文件名"), max_length=255)
    file_path = models.CharField(_("存储路径"), max_length=500)
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已处理行数"), default=0)
    imported_rows = models.PositiveIntegerField(_("已导入行数"), default=0)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    # [{"row": 3, "column": "证件号码", "message": "..."}, ...] capped for storage; error_count is exact.
    errors = models.JSONField(_("错误明细"), default=list, blank=True)
    message = models.CharField(_("说明"), max_length=500, blank=True)
    # Why the file was refused or the job failed as a whole (e.g. import_sheet_too_large), else empty.
    code = models.CharField(_("错误代码"), max_length=50, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导入人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # The process running the job and its last sign of life: a job whose worker died is failed, not
    # left running for ever (people.imports.fail_abandoned_jobs).
    worker_host = models.CharField(_("执行主机"), max_length=255, blank=True)
    worker_pid = models.PositiveIntegerField(_("执行进程"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("最近心跳"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.file_name}"

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 0 if self.status in (self.Status.PENDING, self.Status.RUNNING) else 100
        return min(100, int(self.processed_rows * 100 / self.total_rows))
