"""A person's epidemic status (the four categories, 四类人员) and their health monitoring."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from wangge.core.codes import GRID_CODE_LENGTH
from wangge.core.scoping import ScopedManager
from wangge.health.evidence import evidence_in_words
from wangge.people.models import Resident

# The symptoms a screening visit, a self-declaration and a monitoring report offer, in this order.
# Stored as these words (the values a form sends); shown through ``gettext`` (the ``words`` filter).
SYMPTOMS = [
    gettext_noop("发热"), gettext_noop("干咳"), gettext_noop("乏力"), gettext_noop("咽痛"),
    gettext_noop("嗅（味）觉减退"), gettext_noop("鼻塞"), gettext_noop("流涕"), gettext_noop("结膜炎"),
    gettext_noop("肌痛"), gettext_noop("腹泻"),
]


class EpidemicStatus(models.TextChoices):
    NONE = "none", _("无")
    FEVER = "fever", _("发热待排查")
    SUSPECTED = "suspected", _("疑似病例")
    CONFIRMED = "confirmed", _("确诊病例")
    CLOSE_CONTACT = "close_contact", _("密切接触者")
    SECONDARY_CONTACT = "secondary_contact", _("次密切接触者")
    EXCLUDED = "excluded", _("已排除")
    RECOVERED = "recovered", _("治愈")
    DECEASED = "deceased", _("死亡")


# The four categories of seed 000: confirmed, suspected, fever that cannot be excluded, close contacts.
FOUR_CATEGORIES = [
    EpidemicStatus.CONFIRMED,
    EpidemicStatus.SUSPECTED,
    EpidemicStatus.FEVER,
    EpidemicStatus.CLOSE_CONTACT,
]
# Statuses that put a person under twice-daily monitoring.
MONITORED_STATUSES = [
    EpidemicStatus.FEVER,
    EpidemicStatus.SUSPECTED,
    EpidemicStatus.CLOSE_CONTACT,
    EpidemicStatus.SECONDARY_CONTACT,
]


class Severity(models.TextChoices):
    ASYMPTOMATIC = "asymptomatic", _("无症状感染者")
    MILD = "mild", _("轻型")
    MODERATE = "moderate", _("普通型")
    SEVERE = "severe", _("重型")
    CRITICAL = "critical", _("危重型")


class PersonStatus(models.Model):
    """The current epidemic status of a resident who has entered the closed loop.

    A resident with no row has status "none".  The ``*_at`` facts close the loop's gaps
    (应收尽收、应治尽治、应隔尽隔): each is set by the service that records the event.
    """

    resident = models.OneToOneField(
        Resident, verbose_name=_("居民"), on_delete=models.CASCADE, related_name="epidemic_status"
    )
    grid_code = models.CharField(_("网格代码"), max_length=GRID_CODE_LENGTH)
    status = models.CharField(_("状态"), max_length=20, choices=EpidemicStatus.choices)
    severity = models.CharField(_("病情"), max_length=20, choices=Severity.choices, blank=True)
    since = models.DateTimeField(_("进入当前状态时间"))
    # When the person was isolated (home or central quarantine, or admitted): closes 应隔尽隔.
    isolated_at = models.DateTimeField(_("隔离时间"), null=True, blank=True)
    # When a confirmed case was admitted to a hospital or 方舱: closes 应收尽收.
    admitted_at = models.DateTimeField(_("收治时间"), null=True, blank=True)
    # When a fever was seen by a doctor (fever clinic): closes 应治尽治 for fevers.
    seen_by_doctor_at = models.DateTimeField(_("就诊时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("疫情状态")
        verbose_name_plural = _("疫情状态")
        indexes = [models.Index(fields=["status", "grid_code"], name="person_status_idx")]

    def __str__(self):
        return f"{self.resident_id} {self.get_status_display()}"


class StatusTransition(models.Model):
    """One change of a person's epidemic status: who, when, why, and on what evidence."""

    resident = models.ForeignKey(
        Resident, verbose_name=_("居民"), on_delete=models.CASCADE, related_name="status_transitions"
    )
    grid_code = models.CharField(_("网格代码"), max_length=GRID_CODE_LENGTH)
    from_status = models.CharField(_("原状态"), max_length=20, choices=EpidemicStatus.choices)
    to_status = models.CharField(_("新状态"), max_length=20, choices=EpidemicStatus.choices)
    severity = models.CharField(_("病情"), max_length=20, choices=Severity.choices, blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("原因"), max_length=500)
    # e.g. {"test_result": "阳性", "hospital": "...", "visit_id": 12}
    evidence = models.JSONField(_("依据"), default=dict, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("状态变更")
        verbose_name_plural = _("状态变更")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["grid_code", "at"], name="status_transition_grid_idx"),
            models.Index(fields=["resident", "at"], name="status_transition_person_idx"),
        ]

    def __str__(self):
        return f"{self.resident_id}: {self.from_status} → {self.to_status}"

    @property
    def evidence_words(self) -> str:
        return evidence_in_words(self.evidence)


# 37.3 °C is the fever line used throughout China's COVID-19 protocols.
FEVER_THRESHOLD = Decimal("37.3")


class HealthReport(models.Model):
    """A twice-daily health report (temperature and symptoms), by staff or by the person."""

    class Slot(models.TextChoices):
        MORNING = "am", _("上午")
        AFTERNOON = "pm", _("下午")

    class Source(models.TextChoices):
        STAFF = "staff", _("工作人员录入")
        SELF = "self", _("本人申报")

    resident = models.ForeignKey(
        Resident, verbose_name=_("居民"), on_delete=models.CASCADE, related_name="health_reports"
    )
    grid_code = models.CharField(_("网格代码"), max_length=GRID_CODE_LENGTH)
    date = models.DateField(_("日期"))  # local (Asia/Shanghai) date of the report
    slot = models.CharField(_("时段"), max_length=2, choices=Slot.choices)
    temperature = models.DecimalField(_("体温"), max_digits=3, decimal_places=1)
    symptoms = models.JSONField(_("症状"), default=list, blank=True)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices, default=Source.STAFF)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reported_at = models.DateTimeField(_("上报时间"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("健康监测")
        verbose_name_plural = _("健康监测")
        ordering = ["-date", "-slot"]
        constraints = [
            models.UniqueConstraint(fields=["resident", "date", "slot"], name="health_report_once_per_slot"),
        ]
        indexes = [models.Index(fields=["grid_code", "date"], name="health_report_grid_date_idx")]

    def __str__(self):
        return f"{self.resident_id} {self.date} {self.slot} {self.temperature}"

    @property
    def is_fever(self) -> bool:
        return self.temperature >= FEVER_THRESHOLD
