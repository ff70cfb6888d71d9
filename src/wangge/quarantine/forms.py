"""Forms of the quarantine pages: they shape input; the rules are in ``services``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wangge.core import forms as core_forms
from wangge.core.codes import DIVISION_CODE_LENGTH
from wangge.quarantine.models import QuarantineOrder
from wangge.quarantine.selectors import active_regimes


def regime_choices():
    """Active regimes as choices, in the user's language (called per form, so per request)."""
    return [(r.code, gettext("%(name)s（%(description)s）") % {
        "name": r.shown_name, "description": r.shown_description or r.code}) for r in active_regimes()]


class OrderForm(forms.Form):
    # Picked with the person picker (people/_person_picker.html), which posts the id.
    resident_id = forms.IntegerField(label=_("隔离人员"), min_value=1,
                                     error_messages={"required": _("请搜索并选中隔离人员")})
    regime_code = forms.ChoiceField(label=_("隔离方案"))
    place = forms.ChoiceField(label=_("隔离方式"), choices=QuarantineOrder.Place.choices)
    site_id = forms.TypedChoiceField(label=_("隔离点"), required=False, coerce=int, empty_value=None)
    start_date = core_forms.DateField(label=_("开始日期"), required=False,
                                      widget=core_forms.DateInput())
    reason = forms.CharField(label=_("隔离原因"), max_length=200)

    def __init__(self, *args, site_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regime_code"].choices = regime_choices()
        self.fields["site_id"].choices = [("", "—")] + list(site_choices)


class ExtendForm(forms.Form):
    days = forms.IntegerField(label=_("延长天数"), min_value=1, max_value=28)
    reason = forms.CharField(label=_("延长原因"), max_length=200)


class SiteForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    division_code = forms.CharField(label=_("所属区划代码"), max_length=DIVISION_CODE_LENGTH)
    rooms = forms.IntegerField(label=_("房间数"), min_value=1, max_value=2000)
    beds_per_room = forms.IntegerField(label=_("每间床位数"), min_value=1, max_value=20, initial=1)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
