"""Forms of the transfer pages: they shape input; the rules are in ``services``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wangge.core import forms as core_forms
from wangge.core.codes import GRID_CODE_LENGTH
from wangge.core.filters import FilterForm
from wangge.transfer.models import Facility, TransferOrder
from wangge.transfer.selectors import TransferFilters

LOCAL_INPUT = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class TransferForm(forms.Form):
    origin = forms.CharField(label=_("出发地"), max_length=200)
    destination = forms.TypedChoiceField(label=_("目的地"), coerce=int)
    vehicle = forms.CharField(label=_("车辆"), max_length=50,
                              widget=forms.TextInput(attrs={"placeholder": "鄂A·12345"}))
    driver = forms.CharField(label=_("司机"), max_length=50, required=False)
    escort = forms.CharField(label=_("随车人员"), max_length=100)
    escort_phone = forms.CharField(label=_("随车人员电话"), max_length=30, required=False,
                                   widget=forms.TextInput(attrs={"inputmode": "tel"}))
    route_note = forms.CharField(label=_("计划路线"), max_length=500, required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}))
    planned_departure = core_forms.DateTimeField(label=_("计划出发时间"), input_formats=LOCAL_INPUT,
                                            widget=LocalDateTimeInput())
    planned_arrival = core_forms.DateTimeField(label=_("计划到达时间"), input_formats=LOCAL_INPUT,
                                          widget=LocalDateTimeInput())

    def __init__(self, *args, occupancy=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["destination"].choices = [("", "——")] + [
            (o.facility.pk, f"{o.facility.get_tier_display()}·{o.facility.name}（{_('剩余')} {o.free}）")
            for o in occupancy
        ]


class HandoverForm(forms.Form):
    received_by = forms.CharField(label=_("接收人"), max_length=50)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("取消原因"), max_length=300)


class TransferFilterForm(FilterForm):
    """The transfer list's filter bar: widgets only; ``TransferFilters`` validates."""

    declaration = TransferFilters

    status = forms.ChoiceField(label=_("状态"), required=False,
                               choices=[("", _("全部"))] + list(TransferOrder.Status.choices))
    late = forms.BooleanField(label=_("只看延误"), required=False)


class FacilityForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    tier = forms.TypedChoiceField(label=_("层级"), coerce=int, choices=Facility.Tier.choices)
    grid_code = forms.CharField(label=_("所属区划代码"), max_length=GRID_CODE_LENGTH,
                                help_text=_("区县或街道代码的前缀，如 420106"))
    capacity = forms.IntegerField(label=_("床位数"), min_value=0)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
