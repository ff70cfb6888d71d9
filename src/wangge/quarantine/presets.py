"""The regime presets used in China: central days + home days, with the test days of each phase.

Migration 0003 installs them; ``regime_presets_ensure`` puts back any that are missing (a demo on
a database whose presets were deleted, a test database after a flush).
"""

from django.utils.translation import gettext_noop as _

# Names and descriptions are stored in Chinese and marked as msgids, so that ``Regime.shown_name``
# and ``shown_description`` give them in the user's language.
PRESETS = [
    ("14", _("14天集中隔离"), 14, 0, [1, 7, 14], [], _("早期方案：集中隔离14天，首末日及第7天核酸检测")),
    ("14+7", "14+7", 14, 7, [1, 4, 7, 14], [], _("集中隔离14天（第1、4、7、14天检测）+ 居家健康监测7天")),
    ("7+3", "7+3", 7, 3, [1, 2, 3, 5, 7], [3], _("集中隔离7天（第1、2、3、5、7天检测）+ 居家隔离3天（第3天检测）")),
    ("5+3", "5+3", 5, 3, [1, 2, 3, 5], [1, 3], _("集中隔离5天（第1、2、3、5天检测）+ 居家隔离3天（第1、3天检测）")),
]


def regime_presets_ensure(Regime) -> None:
    """Create the presets that are missing; an edited preset is left as its owner set it."""
    for code, name, central, home, central_tests, home_tests, description in PRESETS:
        Regime.objects.get_or_create(code=code, defaults={
            "name": name, "central_days": central, "home_days": home, "central_test_days": central_tests,
            "home_test_days": home_tests, "description": description,
        })
