"""Which facts colour a code, and how: data, read by ``codes.selectors.colours``.

A code is the worst colour among its reasons, green when there is none.  Each reason has a stable
code (what the API and tests name) and words in the user's language.  ``WANGGE_CODE_COLOURS``
(settings) overrides the colour of any reason, including those answered by the apps above through
``codes.hooks.colour_facts`` (e.g. ``{"secondary_contact": "g", "quarantine_central": "r"}``).
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from wangge.codes.models import Colour
from wangge.health.models import EpidemicStatus as S

G, Y, R = Colour.GREEN, Colour.YELLOW, Colour.RED

# An epidemic status (health) -> its reason.  Secondary contacts are yellow: they are under health
# monitoring until the close contact they met is excluded.  Excluded and recovered are green.  A
# death is red, so that a dead person's code is never shown at a gate by someone else.
STATUS_REASONS: dict[str, str] = {
    S.CONFIRMED: "confirmed",
    S.SUSPECTED: "suspected",
    S.FEVER: "fever",
    S.CLOSE_CONTACT: "close_contact",
    S.SECONDARY_CONTACT: "secondary_contact",
    S.DECEASED: "deceased",
}

# Every reason codes itself knows: its default colour and its words.  A reason answered through the
# hook keeps the colour and words its app gave, unless the settings override the colour.
REASONS: dict[str, tuple[str, object]] = {
    "confirmed": (R, _("确诊病例")),
    "suspected": (R, _("疑似病例")),
    "deceased": (R, _("已死亡")),
    "fever": (Y, _("发热待排查")),
    "close_contact": (Y, _("密切接触者")),
    "secondary_contact": (Y, _("次密切接触者")),
    # quarantine: an active order, at home or at a site, and a test of the order not done on its day.
    "quarantine_home": (Y, _("居家隔离或健康监测中")),
    "quarantine_central": (Y, _("集中隔离中")),
    "test_overdue": (Y, _("未按时检测")),
}


def colour_of(reason_code: str, default: str) -> str:
    """The colour a reason gives: the settings' override, else ``default``."""
    colour = settings.WANGGE_CODE_COLOURS.get(reason_code, default)
    return colour if colour in Colour.values else default
