"""What a gate decides, as data and one pure function, so the server and the gate page (which
says the same in ``static/gates/gate.js``, ``decide``) cannot disagree.

Order of the checks (the first that fails is the reason): the code itself (forged, expired,
unknown), a quarantine order, the colour, the temperature, the mask, then who may come in or go
out under the control level: residents, pass holders, the household's outing quota.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from wangge.gates.models import ControlLevel

# 37.3 ℃ and above is a fever at a gate (the national guidance), in tenths of a degree.
FEVER_TENTHS = 373


@dataclass(frozen=True)
class LevelRule:
    visitors: bool  # visitors may be registered and let in
    resident_exit: str  # "free", "quota" (N people a household every D days) or "pass" (pass holders only)


LEVEL_RULES: dict[str, LevelRule] = {
    ControlLevel.OPEN: LevelRule(visitors=True, resident_exit="free"),
    ControlLevel.PREVENTION: LevelRule(visitors=False, resident_exit="free"),
    ControlLevel.CLOSED: LevelRule(visitors=False, resident_exit="quota"),
    ControlLevel.LOCKED: LevelRule(visitors=False, resident_exit="pass"),
}

# Every reason a gate gives, its words (the gate page shows them too; ``reason_texts``).
REASONS: dict[str, object] = {
    "ok": _("放行"),
    "code_malformed": _("无法识别的健康码"),
    "code_forged": _("健康码签名无效，可能是伪造的"),
    "code_expired": _("健康码已过期，请刷新后再出示"),
    "code_unknown_key": _("健康码的签名密钥未知或已停用"),
    "code_unknown": _("未找到该健康码"),
    "paper_code_unknown": _("未找到该纸质健康码"),
    "paper_code_revoked": _("该纸质健康码已作废"),
    "id_unknown": _("未找到该证件号码的登记"),
    "under_order": _("正在隔离或健康监测中，不得出入"),
    "colour_red": _("红码，不得通行"),
    "colour_yellow": _("黄码，不得通行"),
    "fever": _("体温异常（≥37.3℃），请到临时留观点复测"),
    "no_mask": _("未佩戴口罩"),
    "not_resident": _("非本小区居民且无有效出入证"),
    "pass_expired": _("出入证已过期或已作废"),
    "quota_used": _("本户本周期外出名额已用完"),
    "pass_quota_used": _("出入证今日外出次数已用完"),
    "exit_closed": _("封控区居民足不出户，凭出入证出入"),
    "visitors_closed": _("当前管控级别不接待访客"),
}


def reason_texts() -> dict[str, str]:
    return {code: str(text) for code, text in REASONS.items()}


@dataclass(frozen=True)
class Facts:
    """What is known about one person at one gate, whoever found it out (server or device)."""

    level: str
    direction: str  # "i" or "o"
    colour: str  # "g", "y", "r"
    under_order: bool
    is_resident: bool
    pass_state: str  # "none", "valid", "expired"
    temperature: int | None = None  # tenths of a degree
    mask: bool | None = None
    quota_left: bool = True  # the household may still send someone out this period
    pass_quota_left: bool = True  # the pass's exits today are not used up


@dataclass(frozen=True)
class Outcome:
    passed: bool
    reason: str
    uses_quota: bool = False  # a resident's exit that takes the household's outing
    uses_pass: bool = False  # an exit on a pass with a daily quota


def decide(f: Facts) -> Outcome:
    if f.under_order:
        return Outcome(False, "under_order")
    if f.colour == "r":
        return Outcome(False, "colour_red")
    if f.colour != "g":
        return Outcome(False, "colour_yellow")
    if f.temperature is not None and f.temperature >= FEVER_TENTHS:
        return Outcome(False, "fever")
    if f.mask is False:
        return Outcome(False, "no_mask")
    rule = LEVEL_RULES[f.level]
    has_pass = f.pass_state == "valid"
    if not f.is_resident:
        if has_pass:
            return _on_pass(f)
        return Outcome(False, "pass_expired" if f.pass_state == "expired" else "not_resident")
    if f.direction == "i" or rule.resident_exit == "free":
        return Outcome(True, "ok")
    if has_pass:
        return _on_pass(f)
    if rule.resident_exit == "pass":
        return Outcome(False, "exit_closed")
    if not f.quota_left:
        return Outcome(False, "quota_used")
    return Outcome(True, "ok", uses_quota=True)


def _on_pass(f: Facts) -> Outcome:
    if f.direction == "o" and not f.pass_quota_left:
        return Outcome(False, "pass_quota_used")
    return Outcome(True, "ok", uses_pass=f.direction == "o")
