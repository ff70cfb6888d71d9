"""Forms of the investigation pages: shape input only; the rules are in ``tracing.services``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wangge.core import forms as core_forms
from wangge.quarantine.forms import regime_choices
from wangge.quarantine.models import QuarantineOrder
from wangge.tracing.models import Contact

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class TrajectoryForm(forms.Form):
    place = forms.CharField(label=_("地点"), max_length=200)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    start = core_forms.DateTimeField(label=_("开始时间"), widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M"])
    end = core_forms.DateTimeField(label=_("结束时间"), widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M"],
                                   required=False)
    # Set by tapping the map, dragging its marker or picking a registered building
    # (tracing/trajectory_pick.js); never typed.
    lat = forms.FloatField(label=_("纬度"), required=False, widget=forms.HiddenInput)
    lng = forms.FloatField(label=_("经度"), required=False, widget=forms.HiddenInput)
    note = forms.CharField(label=_("说明"), max_length=500, required=False)


class ContactBatchForm(forms.Form):
    """What applies to every contact of the batch (the people are picked with the person picker)."""

    regime_code = forms.ChoiceField(label=_("隔离方案"))
    place = forms.ChoiceField(label=_("隔离方式"), choices=QuarantineOrder.Place.choices)
    site_id = forms.TypedChoiceField(label=_("隔离点"), required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(label=_("类型"), choices=Contact.Kind.choices, initial=Contact.Kind.CLOSE)
    contact_place = forms.CharField(label=_("接触地点"), max_length=200, required=False)

    def __init__(self, *args, site_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regime_code"].choices = regime_choices()
        self.fields["site_id"].choices = [("", "—")] + list(site_choices)


class ExposureContactForm(forms.Form):
    """How the chosen exposures become contacts (the people are ticked on the exposure list)."""

    kind = forms.ChoiceField(label=_("纳入为"), choices=Contact.Kind.choices, initial=Contact.Kind.CLOSE)
    regime_code = forms.ChoiceField(label=_("隔离方案"))
    place = forms.ChoiceField(label=_("隔离方式"), choices=QuarantineOrder.Place.choices)
    site_id = forms.TypedChoiceField(label=_("隔离点"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, site_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regime_code"].choices = regime_choices()
        self.fields["site_id"].choices = [("", "—")] + list(site_choices)


class CloseForm(forms.Form):
    summary = forms.CharField(label=_("调查结论"), widget=forms.Textarea(attrs={"rows": 3}))
