"""Door-to-door screening campaigns (拉网式排查): 不漏一户、不落一人、不断一天."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from wangge.core.codes import GRID_CODE_LENGTH
from wangge.core.scoping import ScopedManager
from wangge.grid.models import Household
from wangge.people.models import Resident

# The questions asked at the door unless a campaign sets its own.  Each: key, label, type
# ("bool" or "text").  Temperature and symptoms are always asked.  The labels are stored in Chinese
# and marked as msgids, so the visit form shows them in the user's language (the ``word`` filter).
DEFAULT_QUESTIONS = [
    {"key": "travel_risk_area", "label": gettext_noop("14天内是否到过中高风险地区"), "type": "bool"},
    {"key": "contact_case", "label": gettext_noop("14天内是否接触过确诊或疑似病例"), "type": "bool"},
    {"key": "arrived_from", "label": gettext_noop("14天内从何地来（省市，未外出不填）"), "type": "text"},
]



class Campaign(models.Model):
    class Frequency(models.TextChoices):
        ONCE = "once", _("一次")
        DAILY = "daily", _("每日")

    name = models.CharField(_("名称"), max_length=100)
    # The area covered: the significant prefix of a division or grid code (see core.codes).
    grid_code = models.CharField(_("排查范围"), max_length=GRID_CODE_LENGTH, db_index=True)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    frequency = models.CharField(_("频次"), max_length=10, choices=Frequency.choices, default=Frequency.DAILY)
    questions = models.JSONField(_("询问项目"), default=list, blank=True)
    is_active = models.BooleanField(_("进行中"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("排查任务")
        verbose_name_plural = _("排查任务")
        ordering = ["-start_date", "-id"]

    def __str__(self):
        return self.name


class Visit(models.Model):
    """A household visited on a day of a campaign, with the outcome at the door."""

    class Outcome(models.TextChoices):
        VISITED = "visited", _("已排查")
        NOBODY_HOME = "nobody_home", _("无人在家")
        REFUSED = "refused", _("拒绝配合")

    campaign = models.ForeignKey(Campaign, verbose_name=_("排查任务"), on_delete=models.CASCADE, related_name="visits")
    household = models.ForeignKey(Household, verbose_name=_("户"), on_delete=models.PROTECT, related_name="visits")
    grid_code = models.CharField(_("网格代码"), max_length=GRID_CODE_LENGTH)
    date = models.DateField(_("日期"))  # local date of the visit
    outcome = models.CharField(_("结果"), max_length=15, choices=Outcome.choices)
    visited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("排查人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    visited_at = models.DateTimeField(_("排查时间"), auto_now=True)
    note = models.CharField(_("备注"), max_length=300, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("入户排查")
        verbose_name_plural = _("入户排查")
        constraints = [models.UniqueConstraint(fields=["campaign", "household", "date"], name="visit_once_a_day")]
        indexes = [models.Index(fields=["campaign", "date", "grid_code"], name="visit_coverage_idx")]

    def __str__(self):
        return f"{self.household_id} {self.date} {self.outcome}"


class CoverageDay(models.Model):
    """One grid's coverage on one day of a campaign: the counters the campaign's dashboard, its
    drill-down above a grid and its day-by-day history add up, instead of counting every visit,
    member check and declaration of a district or a city on each view.

    ``households``: households visited (outcome "visited") that day, plus those whose members
    declared for themselves with no such visit; ``persons``: members found present, plus those who
    declared and were not found present.  Written only by ``services.coverage_refresh`` in the
    transaction of the write that changed them (a visit, a declaration, a new campaign).
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="coverage_days")
    grid_code = models.CharField(_("网格代码"), max_length=GRID_CODE_LENGTH)
    date = models.DateField(_("日期"))
    households = models.PositiveIntegerField(_("已覆盖户数"), default=0)
    persons = models.PositiveIntegerField(_("已覆盖人数"), default=0)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("排查覆盖（网格日）")
        verbose_name_plural = _("排查覆盖（网格日）")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "date", "grid_code"], name="coverage_day_once"),
        ]

    def __str__(self):
        return f"{self.campaign_id} {self.grid_code} {self.date}"


class MemberCheck(models.Model):
    """One member of a visited household: present or not, temperature, symptoms, answers."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="members")
    resident = models.ForeignKey(Resident, verbose_name=_("居民"), on_delete=models.CASCADE, related_name="screenings")
    grid_code = models.CharField(_("网格代码"), max_length=GRID_CODE_LENGTH)
    present = models.BooleanField(_("在家"), default=True)
    temperature = models.DecimalField(_("体温"), max_digits=3, decimal_places=1, null=True, blank=True)
    symptoms = models.JSONField(_("症状"), default=list, blank=True)
    answers = models.JSONField(_("询问结果"), default=dict, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("成员排查")
        verbose_name_plural = _("成员排查")
        constraints = [models.UniqueConstraint(fields=["visit", "resident"], name="member_check_once")]
        # Coverage and its day-by-day history count the checks of an area: a grid's or a street's
        # without reading the whole city's.
        indexes = [models.Index(fields=["grid_code", "visit"], name="member_check_grid_idx")]

    def __str__(self):
        return f"{self.resident_id} {self.temperature}"


class DeclarationLink(models.Model):
    """An unguessable link (and its QR code) through which a household declares for itself."""

    household = models.OneToOneField(Household, on_delete=models.CASCADE, related_name="declaration_link")
    grid_code = models.CharField(_("网格代码"), max_length=GRID_CODE_LENGTH)
    token = models.CharField(_("令牌"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    revoked = models.BooleanField(_("已停用"), default=False)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("自主申报链接")
        verbose_name_plural = _("自主申报链接")

    def __str__(self):
        return f"{self.household_id}"


class SelfDeclaration(models.Model):
    """A resident's own health declaration (fields of GB/T 38962: temperature, symptoms, travel)."""

    resident = models.ForeignKey(
        Resident, verbose_name=_("居民"), on_delete=models.CASCADE, related_name="declarations"
    )
    household = models.ForeignKey(
        Household, verbose_name=_("户"), on_delete=models.CASCADE, related_name="declarations"
    )
    grid_code = models.CharField(_("网格代码"), max_length=GRID_CODE_LENGTH)
    date = models.DateField(_("日期"))
    declared_at = models.DateTimeField(_("申报时间"), auto_now_add=True)
    temperature = models.DecimalField(_("体温"), max_digits=3, decimal_places=1)
    symptoms = models.JSONField(_("症状"), default=list, blank=True)
    travel_history = models.CharField(_("14天内旅居史"), max_length=300, blank=True)
    travel_risk_area = models.BooleanField(_("到过中高风险地区"), default=False)
    contact_case = models.BooleanField(_("接触过确诊或疑似病例"), default=False)
    arrived_from = models.CharField(_("从何地来"), max_length=60, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("健康申报")
        verbose_name_plural = _("健康申报")
        constraints = [models.UniqueConstraint(fields=["resident", "date"], name="declaration_once_a_day")]
        indexes = [models.Index(fields=["date", "grid_code"], name="declaration_date_grid_idx")]

    def __str__(self):
        return f"{self.resident_id} {self.date}"


class RiskReport(models.Model):
    """An answer at the door or in a self-declaration that needs checking: been to a medium or
    high-risk area in 14 days, or in contact with a confirmed or suspected case.  Open until the
    grid worker, the community or the CDC records what the check found (a closed-loop gap list)."""

    class Kind(models.TextChoices):
        RISK_AREA = "risk_area", _("到过中高风险地区")
        CONTACT_CASE = "contact_case", _("接触过确诊或疑似病例")

    class Source(models.TextChoices):
        VISIT = "visit", _("入户排查")
        DECLARATION = "declaration", _("自主申报")

    class Outcome(models.TextChoices):
        CLEARED = "cleared", _("核查无风险")
        MONITOR = "monitor", _("纳入管控（已按规定处置）")

    resident = models.ForeignKey(
        Resident, verbose_name=_("居民"), on_delete=models.CASCADE, related_name="risk_reports"
    )
    grid_code = models.CharField(_("网格代码"), max_length=GRID_CODE_LENGTH)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices)
    date = models.DateField(_("日期"))  # the local date of the answer
    reported_at = models.DateTimeField(_("报告时间"))
    arrived_from = models.CharField(_("从何地来"), max_length=60, blank=True)
    handled_at = models.DateTimeField(_("核查时间"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("核查人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    outcome = models.CharField(_("核查结果"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.CharField(_("核查说明"), max_length=200, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("风险线索")
        verbose_name_plural = _("风险线索")
        constraints = [models.UniqueConstraint(fields=["resident", "kind", "date"], name="risk_report_once_a_day")]
        indexes = [models.Index(fields=["grid_code", "handled_at", "reported_at"], name="risk_report_open_idx")]

    def __str__(self):
        return f"{self.resident_id} {self.kind} {self.date}"
