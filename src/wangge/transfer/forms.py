"""Forms of the transfer pages: they shape input; the rules are in ``services``."""

from __future__ import annotations

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.core import forms as core_forms
from wangge.core.codes import GRID_CODE_LENGTH
from wangge.core.filters import FilterForm
from wangge.transfer.models import Facility, TransferOrder, Vehicle
from wangge.transfer.selectors import TransferFilters

LOCAL_INPUT = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


PHONE_TOKEN = re.compile(r"^\+?[0-9][0-9\-]{4,29}$")
CONVOY_ROWS = 3  # rows the form offers at first; "再加一辆车" adds one, up to MAX_CONVOY_ROWS
MAX_CONVOY_ROWS = 30


def parse_escorts(text: str) -> list[dict]:
    """"王医生 13900000000" per line (a comma or spaces between): each escort's name and phone."""
    escorts = []
    for line in (text or "").splitlines():
        tokens = [t for t in re.split(r"[\s,，、;；]+", line.strip()) if t]
        if not tokens:
            continue
        phone = tokens.pop() if len(tokens) > 1 and PHONE_TOKEN.match(tokens[-1]) else ""
        escorts.append({"name": " ".join(tokens), "phone": phone})
    return escorts


def escorts_text(escorts) -> str:
    return "\n".join(f"{e.name} {e.phone}".strip() for e in escorts)


class TransferForm(forms.Form):
    """The transfer, its route and its convoy: ``rows`` rows of vehicle, driver and escorts."""

    origin = forms.CharField(label=_("出发地"), max_length=200)
    destination = forms.TypedChoiceField(label=_("目的地"), coerce=int)
    planned_departure = core_forms.DateTimeField(label=_("计划出发时间"), input_formats=LOCAL_INPUT,
                                                 widget=LocalDateTimeInput())
    planned_arrival = core_forms.DateTimeField(label=_("计划到达时间"), input_formats=LOCAL_INPUT,
                                               widget=LocalDateTimeInput())
    route_note = forms.CharField(label=_("计划路线"), max_length=500, required=False,
                                 help_text=_("写明途经道路，如：中山路—武珞路—民主路；将与封闭路段核对"),
                                 widget=forms.Textarea(attrs={"rows": 2}))
    closed_road_override = forms.CharField(
        label=_("确需经过封闭路段的理由"), max_length=300, required=False,
        help_text=_("仅在路线经过封闭路段且已协调通行（如交警引导）时填写"))
    rows = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=MAX_CONVOY_ROWS)

    def __init__(self, *args, occupancy=(), vehicles=(), editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["destination"]
        else:
            self.fields["destination"].choices = [("", "——")] + [
                (o.facility.pk, f"{o.facility.get_tier_display()}·{o.facility.name}（{_('剩余')} {o.free}）")
                for o in occupancy
            ]
        try:
            rows = int(self.data.get("rows") or self.initial.get("rows") or CONVOY_ROWS)
        except (TypeError, ValueError):
            rows = CONVOY_ROWS
        if self.data.get("add_row"):
            rows += 1
        self.row_count = max(1, min(rows, MAX_CONVOY_ROWS))
        choices = [("", "——")] + [(v.pk, self.vehicle_label(v)) for v in vehicles]
        for i in range(1, self.row_count + 1):
            self.fields[f"vehicle_{i}"] = forms.TypedChoiceField(label=_("车辆"), coerce=int, required=False,
                                                                 empty_value=None, choices=choices)
            self.fields[f"driver_{i}"] = forms.CharField(label=_("司机"), max_length=50, required=False)
            self.fields[f"driver_phone_{i}"] = forms.CharField(
                label=_("司机电话"), max_length=30, required=False, widget=forms.TextInput(attrs={"inputmode": "tel"}))
            self.fields[f"escorts_{i}"] = forms.CharField(
                label=_("随车人员（每行一人：姓名 电话）"), max_length=2000, required=False,
                widget=forms.Textarea(attrs={"rows": 2, "placeholder": "王医生 13907141234"}))

    @staticmethod
    def vehicle_label(vehicle) -> str:
        seats = _("%(n)s座") % {"n": vehicle.seats}
        return f"{vehicle.plate} · {vehicle.get_kind_display()} · {seats}"

    def convoy_rows(self):
        """The bound fields of each convoy row, for the template."""
        return [
            {"number": i, "vehicle": self[f"vehicle_{i}"], "driver": self[f"driver_{i}"],
             "driver_tel_field": self[f"driver_phone_{i}"], "escorts": self[f"escorts_{i}"]}
            for i in range(1, self.row_count + 1)
        ]

    def clean(self):
        data = super().clean()
        convoy = []
        for i in range(1, self.row_count + 1):
            vehicle = data.get(f"vehicle_{i}")
            escorts = parse_escorts(data.get(f"escorts_{i}", ""))
            if vehicle is None:
                if escorts or data.get(f"driver_{i}"):
                    self.add_error(f"vehicle_{i}", _("请选择车辆"))
                continue
            convoy.append({"vehicle_id": vehicle, "driver": data.get(f"driver_{i}", ""),
                           "driver_phone": data.get(f"driver_phone_{i}", ""), "escorts": escorts})
        data["vehicles"] = convoy
        data["rows"] = self.row_count
        return data

    @staticmethod
    def initial_for(transfer, convoy) -> dict:
        """The form's initial values for editing ``transfer`` (its ``convoy`` from the selector)."""
        initial = {"origin": transfer.origin, "route_note": transfer.route_note,
                   "closed_road_override": transfer.closed_road_override,
                   "planned_departure": timezone.localtime(transfer.planned_departure),
                   "planned_arrival": timezone.localtime(transfer.planned_arrival),
                   "rows": max(CONVOY_ROWS, len(convoy) + 1)}
        for i, cv in enumerate(convoy, start=1):
            initial.update({f"vehicle_{i}": cv.vehicle_id, f"driver_{i}": cv.driver,
                            f"driver_phone_{i}": cv.driver_phone, f"escorts_{i}": escorts_text(cv.crew)})
        return initial


class AcknowledgeForm(forms.Form):
    name = forms.CharField(label=_("接收方确认人"), max_length=50)


class CheckInForm(forms.Form):
    """A check-in from the crew's phone: the position the page read (hidden) or a place typed."""

    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lng = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    accuracy = forms.FloatField(required=False, min_value=0, widget=forms.HiddenInput)
    place_note = forms.CharField(label=_("当前位置"), max_length=200, required=False,
                                 widget=forms.TextInput(attrs={"placeholder": _("如：武珞路与中南路口"),
                                                               "autocomplete": "off"}))


class VehicleForm(forms.Form):
    plate = forms.CharField(label=_("车牌号"), max_length=20)
    kind = forms.ChoiceField(label=_("车型"), choices=Vehicle.Kind.choices)
    seats = forms.IntegerField(label=_("可载患者数"), min_value=0, max_value=1000,
                               help_text=_("引导车填 0"))
    grid_code = forms.CharField(label=_("所属区划代码"), max_length=GRID_CODE_LENGTH,
                                help_text=_("区县或街道代码的前缀，如 420106"))
    phone = forms.CharField(label=_("车载电话"), max_length=30, required=False)


class ClosedRoadForm(forms.Form):
    name = forms.CharField(label=_("路段名称"), max_length=100,
                           help_text=_("与计划路线中的写法一致，如：中山路"))
    grid_code = forms.CharField(label=_("所在区划代码"), max_length=GRID_CODE_LENGTH,
                                help_text=_("区县、街道或社区代码的前缀，如 420106"))
    starts_at = core_forms.DateTimeField(label=_("封闭开始"), input_formats=LOCAL_INPUT, widget=LocalDateTimeInput())
    ends_at = core_forms.DateTimeField(label=_("封闭结束"), input_formats=LOCAL_INPUT, widget=LocalDateTimeInput(),
                                       required=False, help_text=_("不填表示直到解除"))
    note = forms.CharField(label=_("说明"), max_length=300, required=False)


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
