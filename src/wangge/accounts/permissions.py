"""Who may do what: the one table of actions and the roles allowed each, and the checks that read it.

An action is a dotted name, ``<app>.<what>`` (``people.change``, ``quarantine.release``,
``transfer.step.arrived``).  ``PERMISSIONS`` maps each to the roles that may take it anywhere in
their reach; a superuser may take every action.  Reach is a separate question (``core.scoping``):
a role that may release orders releases only those inside its part of the grid, and an object
outside it is NotFound, never Forbidden.

* services guard with ``require(user, action, obj=None)``, which raises ``Forbidden`` naming the
  action;
* pages decide what to offer with ``can(user, action, obj=None)`` (templates:
  ``{% load permissions %}{% if user|can:"people.change" %}``);
* querysets narrow by reach and action at once with ``Model.objects.restrict(user, "view")``; a bare
  action (``"view"``) is taken in the model's app (``people.view`` for residents).

Nothing else in the code names roles to decide who may do something; ``tests/accounts`` checks it.
Adding an action: add a line here (roles and the label that finishes "您的角色不能…"), use it,
and add it to the permission matrix in ``tests/permissions/matrix.py`` if an endpoint takes it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext_lazy

from wangge.accounts.models import Role
from wangge.core.errors import Forbidden, NotFound
from wangge.core.scoping import user_can_reach

CMD, CW, GW, POL, CDC, VOL, AUD, RES = (
    Role.COMMAND,
    Role.COMMUNITY_WORKER,
    Role.GRID_WORKER,
    Role.POLICE,
    Role.CDC,
    Role.VOLUNTEER,
    Role.AUDITOR,
    Role.RESIDENT,
)
# Everyone with a reach.  Residents have none (they reach their own records through self-service),
# so reading scoped rows is in practice for staff whatever this says.
STAFF = (CMD, CW, GW, POL, CDC, VOL, AUD)


@dataclass(frozen=True)
class Permission:
    roles: frozenset[str]
    # What the action is, worded to finish "您的角色不能…" ("Your role cannot …"); in its own
    # gettext context, so its English can differ from the same words as a title or a button.
    label: Promise


def _p(label: Promise, *roles: str) -> Permission:
    return Permission(frozenset(str(r) for r in roles), label)


PERMISSIONS: dict[str, Permission] = {
    # Reading what lies in one's reach (``restrict(user, "view")``).
    "grid.view": _p(pgettext_lazy("permission", "查看网格"), *STAFF),
    "people.view": _p(pgettext_lazy("permission", "查看居民信息"), *STAFF),
    "health.view": _p(pgettext_lazy("permission", "查看健康监测"), *STAFF),
    "screening.view": _p(pgettext_lazy("permission", "查看排查任务"), *STAFF),
    "tracing.view": _p(pgettext_lazy("permission", "查看流调"), *STAFF),
    "quarantine.view": _p(pgettext_lazy("permission", "查看隔离管理"), *STAFF),
    "transfer.view": _p(pgettext_lazy("permission", "查看转运"), *STAFF),
    "testing.view": _p(pgettext_lazy("permission", "查看核酸检测"), *STAFF),
    "alerts.view": _p(pgettext_lazy("permission", "查看预警"), *STAFF),
    "codes.view": _p(pgettext_lazy("permission", "查看健康码"), *STAFF),
    "audit.view": _p(pgettext_lazy("permission", "查看审计日志"), AUD, CMD),
    # Residents' own accounts (居民端): themselves and the members they act for (代办), never a list of
    # others; ``people.selectors.acts_for`` says who those are.  A staff account has no "self".
    "people.self": _p(pgettext_lazy("permission", "使用居民服务（查看本人及代办家人的信息）"), RES),
    # The outbox of the built-in message adapter holds sign-in codes: superusers only.
    "messaging.outbox.view": _p(pgettext_lazy("permission", "查看发件箱")),
    # Grid.  A household found at the door is added by those who register its people.
    "grid.household.create": _p(pgettext_lazy("permission", "新增住户"), CMD, CW, GW, CDC),
    # Data checks (数据检查): the data-quality problems in one's reach, for the community and command.
    "core.datachecks.view": _p(pgettext_lazy("permission", "查看数据检查"), CMD, CW),
    # People.  The CDC registers contacts found by an investigation who are not yet on the registry.
    "people.change": _p(pgettext_lazy("permission", "修改居民信息"), CMD, CW, GW, CDC),
    "people.import": _p(pgettext_lazy("permission", "导入数据"), CMD, CW, GW, CDC),
    "people.reveal": _p(pgettext_lazy("permission", "查看完整的证件号码或手机号"), CMD, CW, GW, POL, CDC),
    # Screening.
    "screening.campaign.create": _p(pgettext_lazy("permission", "发起排查任务"), CMD, CW, CDC),
    "screening.visit.record": _p(pgettext_lazy("permission", "登记入户排查"), GW, VOL, CW, CMD),
    "screening.link.create": _p(pgettext_lazy("permission", "生成申报链接"), GW, VOL, CW, CMD),
    "screening.link.revoke": _p(pgettext_lazy("permission", "停用申报链接"), GW, VOL, CW, CMD),
    "health.overview": _p(pgettext_lazy("permission", "查看疫情概况"), CMD, CDC, CW),
    "screening.risk.handle": _p(pgettext_lazy("permission", "核查风险线索"), GW, CW, CDC, CMD),
    # Health: a person's epidemic status, one action per target status.  Screening staff raise
    # fevers and contacts; only the CDC (and command) confirm, exclude, or close a case.
    "health.status.fever": _p(pgettext_lazy("permission", "将人员标记为“发热待排查”"), GW, CW, VOL, CDC, CMD, POL),
    "health.status.suspected": _p(pgettext_lazy("permission", "将人员标记为“疑似病例”"), CDC, CMD),
    "health.status.confirmed": _p(pgettext_lazy("permission", "将人员标记为“确诊病例”"), CDC, CMD),
    "health.status.close_contact": _p(pgettext_lazy("permission", "将人员标记为“密切接触者”"), CDC, CMD, CW),
    "health.status.secondary_contact": _p(pgettext_lazy("permission", "将人员标记为“次密切接触者”"), CDC, CMD, CW),
    "health.status.excluded": _p(pgettext_lazy("permission", "将人员标记为“已排除”"), CDC, CMD),
    "health.status.recovered": _p(pgettext_lazy("permission", "将人员标记为“治愈”"), CDC, CMD),
    "health.status.deceased": _p(pgettext_lazy("permission", "将人员标记为“死亡”"), CDC, CMD),
    # Staff at the door or on the phone report; never an auditor.
    "health.report.record": _p(pgettext_lazy("permission", "录入健康监测"), GW, CW, VOL, CDC, CMD, POL),
    "health.doctor_visit.record": _p(pgettext_lazy("permission", "登记就诊"), GW, CW, CDC, CMD),
    # Tracing.
    "tracing.trajectory.add": _p(pgettext_lazy("permission", "录入流调轨迹"), CDC, CMD, CW),
    "tracing.contacts.add": _p(pgettext_lazy("permission", "判定密切接触者"), CDC, CMD),
    "tracing.exposures.view": _p(pgettext_lazy("permission", "查看可能暴露人员"), CDC, CMD),
    "tracing.investigation.close": _p(pgettext_lazy("permission", "完成流调"), CDC, CMD),
    # Quarantine.  Grid workers order home quarantine; central quarantine is the community's or above.
    "quarantine.order": _p(pgettext_lazy("permission", "下达隔离令"), CMD, CW, CDC, GW),
    "quarantine.order.central": _p(pgettext_lazy("permission", "安排集中隔离"), CMD, CW, CDC),
    "quarantine.test.record": _p(pgettext_lazy("permission", "录入检测结果"), CMD, CW, CDC, GW),
    # A wrong result is corrected by those who decide on a case (a positive's consequences follow it).
    "quarantine.test.correct": _p(pgettext_lazy("permission", "更正检测结果"), CDC, CMD),
    "quarantine.release": _p(pgettext_lazy("permission", "解除隔离"), CMD, CW, CDC),
    "quarantine.extend": _p(pgettext_lazy("permission", "延长隔离"), CMD, CW, CDC),
    "quarantine.move_home": _p(pgettext_lazy("permission", "办理转居家"), CMD, CW, CDC),
    "quarantine.site.create": _p(pgettext_lazy("permission", "设立隔离点"), CMD),
    "quarantine.room.manage": _p(pgettext_lazy("permission", "管理隔离房间"), CMD),
    # Transfer: one action per step (the step's target status; "planned" is registering one).
    # There is no facility account role yet, so CDC and command confirm the handover and record
    # admissions on the receiving facility's behalf.
    "transfer.step.planned": _p(pgettext_lazy("permission", "登记转运"), CMD, CDC, CW),
    "transfer.step.en_route": _p(pgettext_lazy("permission", "将转运单标记为“转运中”"), CMD, CDC, CW),
    "transfer.step.arrived": _p(pgettext_lazy("permission", "将转运单标记为“已到达”"), CMD, CDC, CW),
    "transfer.step.handed_over": _p(pgettext_lazy("permission", "将转运单标记为“已交接”"), CMD, CDC),
    "transfer.step.cancelled": _p(pgettext_lazy("permission", "将转运单标记为“已取消”"), CMD, CDC, CW),
    # The receiving side acknowledges a transfer before it leaves: a user whose reach covers the
    # facility, or command and CDC on the facility's behalf (no facility accounts yet).
    "transfer.acknowledge": _p(pgettext_lazy("permission", "确认接收转运"), CMD, CDC, CW),
    "transfer.acknowledge.any": _p(pgettext_lazy("permission", "代收治机构确认接收转运"), CMD, CDC),
    # The crew reports the convoy's position en route.
    "transfer.check_in": _p(pgettext_lazy("permission", "报告转运途中位置"), CMD, CDC, CW),
    "transfer.vehicle.manage": _p(pgettext_lazy("permission", "登记转运车辆"), CMD, CDC),
    # Road closures (交通管制) are known to command, the police and the community.
    "transfer.closed_road.manage": _p(pgettext_lazy("permission", "维护封闭路段"), CMD, POL, CW),
    "transfer.facility.create": _p(pgettext_lazy("permission", "登记收治机构"), CMD, CDC),
    "transfer.admission.record": _p(pgettext_lazy("permission", "录入收治"), CMD, CDC),
    "transfer.discharge.record": _p(pgettext_lazy("permission", "录入出院"), CMD, CDC),
    # Health codes.  Paper codes are printed and reissued by those who visit households; a gate's
    # device syncs the list of codes whose colour worsened (gates add their guards' roles here).
    "codes.paper.print": _p(pgettext_lazy("permission", "打印纸质健康码"), CMD, CW, GW),
    "codes.paper.issue": _p(pgettext_lazy("permission", "签发或作废纸质健康码"), CMD, CW, GW),
    "codes.gate.sync": _p(pgettext_lazy("permission", "同步健康码变色名单"), *STAFF),
    # Gates.  Whoever guards a gate scans there, and only during a shift on its roster
    # (``gates.selectors.gate_for_guard``); a guard with no reach (a property guard's or a resident's
    # account) reads no lists.  A resident taking a turn does not sync the city's revocation list:
    # their gate's offline data carries the revocations of the people it knows.  Community workers
    # and command manage the gates in their reach.
    "gates.view": _p(pgettext_lazy("permission", "查看卡口"), *STAFF),
    "gates.scan": _p(pgettext_lazy("permission", "在卡口验码登记"), CMD, CW, GW, POL, VOL, RES),
    "gates.checkpoint.manage": _p(pgettext_lazy("permission", "设立卡口、设置管控级别和排班"), CMD, CW),
    "gates.pass.issue": _p(pgettext_lazy("permission", "签发出入证"), CMD, CW, GW),
    # Mass testing (全员核酸).  The community and above start rounds; those at a point sample (volunteers
    # included); labs' results are recorded by the CDC and command, whose positives enter the loop.
    "testing.round.create": _p(pgettext_lazy("permission", "发起核酸检测轮次"), CMD, CW, CDC),
    "testing.sample": _p(pgettext_lazy("permission", "登记核酸采样"), CMD, CW, GW, VOL, CDC),
    "testing.result.record": _p(pgettext_lazy("permission", "录入核酸检测结果"), CMD, CDC),
    "testing.exempt": _p(pgettext_lazy("permission", "登记免于到点采样"), CMD, CW, GW),
}


def permission(action: str) -> Permission:
    try:
        return PERMISSIONS[action]
    except KeyError:
        raise LookupError(f"unknown action {action!r}: add it to wangge/accounts/permissions.py") from None


def role_may(user, action: str) -> bool:
    """Whether ``user``'s role may take ``action`` somewhere (reach aside)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    rule = permission(action)
    return bool(user.is_superuser or user.role in rule.roles)


def can(user, action: str, obj=None) -> bool:
    """Whether ``user`` may take ``action``, on ``obj`` if given (it must then be in their reach)."""
    if not role_may(user, action):
        return False
    return obj is None or user_can_reach(user, obj.grid_code)


def refusal(action: str) -> str:
    """The message for a role refused ``action``."""
    return gettext("您的角色不能%(action)s") % {"action": permission(action).label}


def require(user, action: str, obj=None) -> None:
    """Raise ``Forbidden`` unless ``user``'s role may take ``action``.

    Reach is the caller's to check first (selectors raise NotFound for an object outside it); an
    ``obj`` given here that is out of reach is refused as NotFound too, so a refusal never tells
    anything about a record the user cannot see.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        raise Forbidden(gettext("请先登录"), code="forbidden")
    if not role_may(user, action):
        raise Forbidden(refusal(action), code="forbidden")
    if obj is not None and not user_can_reach(user, obj.grid_code):
        raise NotFound(gettext("未找到该记录，或不在您的管辖范围内"))


def as_markdown() -> str:
    """The table as Markdown, one row per action (for the README; ``test_table`` prints it)."""
    order = list(Role)
    lines = [
        "| " + " | ".join(["Action", "What it is", *[str(r.label) for r in order]]) + " |",
        "|" + "---|" * (2 + len(order)),
    ]
    for action, rule in PERMISSIONS.items():
        marks = ["✓" if r.value in rule.roles else "" for r in order]
        lines.append("| " + " | ".join([f"`{action}`", str(rule.label), *marks]) + " |")
    return "\n".join(lines)
