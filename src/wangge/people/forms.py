"""Forms of the resident pages.  They only shape input; the rules are in ``validation`` and the
services, whose ``DomainError.errors`` land back on the form's fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wangge.core import forms as core_forms
from wangge.core.codes import GRID_CODE_LENGTH, HOUSEHOLD_CODE_LENGTH
from wangge.core.filters import FilterForm
from wangge.people.models import KeyGroupTag, Resident
from wangge.people.selectors import ResidentFilters


def _tag_choices():
    return [(t.code, t.name) for t in KeyGroupTag.objects.filter(is_active=True)]


class ResidentSearchForm(FilterForm):
    """The resident list's filter bar: widgets only; ``ResidentFilters`` validates."""

    declaration = ResidentFilters

    q = forms.CharField(
        label=_("搜索"), required=False, max_length=50,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("姓名、手机号、证件后4位")}),
    )
    tag = forms.ChoiceField(label=_("重点人群"), required=False)
    residence_type = forms.ChoiceField(
        label=_("人口类型"), required=False, choices=[("", _("全部"))] + list(Resident.ResidenceType.choices)
    )
    within = forms.CharField(label=_("区域代码"), required=False, max_length=GRID_CODE_LENGTH)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"].choices = [("", _("全部"))] + _tag_choices()


class ResidentForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_type = forms.ChoiceField(label=_("证件类型"), choices=Resident.IdType.choices)
    id_number = forms.CharField(label=_("证件号码"), max_length=30)
    sex = forms.ChoiceField(
        label=_("性别"), required=False, choices=[("", _("按身份证号码"))] + list(Resident.Sex.choices),
        help_text=_("居民身份证可不填，由号码推算"),
    )
    birth_date = core_forms.DateField(
        label=_("出生日期"), required=False, widget=core_forms.DateInput(),
        help_text=_("居民身份证可不填，由号码推算"),
    )
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel"}))
    relation = forms.ChoiceField(label=_("与户主关系"), choices=Resident.Relation.choices)
    residence_type = forms.ChoiceField(label=_("人口类型"), choices=Resident.ResidenceType.choices)
    tags = forms.MultipleChoiceField(label=_("重点人群"), required=False, widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label=_("备注"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tags"].choices = _tag_choices()

    @classmethod
    def initial_for(cls, resident: Resident) -> dict:
        return {
            "name": resident.name, "id_type": resident.id_type, "id_number": resident.id_number,
            "sex": resident.sex, "birth_date": resident.birth_date, "phone": resident.phone,
            "relation": resident.relation, "residence_type": resident.residence_type,
            "tags": [t.code for t in resident.tags.all()], "note": resident.note,
        }

    def service_data(self) -> dict:
        """The raw values for ``clean_resident_fields``: the service decides what is valid."""
        return {name: value if value is not None else "" for name, value in self.cleaned_data.items()}

    def add_domain_errors(self, errors: dict) -> None:
        for field, message in errors.items():
            messages = message if isinstance(message, list) else [message]
            for text in messages:
                self.add_error(field if field in self.fields else None, str(text))


NEW_HOUSEHOLD = "new"


class ResidentRegisterForm(ResidentForm):
    """登记居民 from a unit: the household picked from the unit's, or a new one added inline."""

    field_order = ["household", "door_number", "address"]

    household = forms.ChoiceField(label=_("住户"))
    door_number = forms.CharField(
        label=_("新住户门牌号"), required=False, max_length=20,
        help_text=_("选择“新增住户”时填写"),
    )
    address = forms.CharField(label=_("新住户地址"), required=False, max_length=200,
                              help_text=_("可不填，按楼栋、单元和门牌号生成"))

    def __init__(self, *args, households, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].choices = [
            (str(h.pk), f"{h.door_number}（{h.address}）" if h.address else h.door_number) for h in households
        ] + [(NEW_HOUSEHOLD, _("新增住户"))]
        self.order_fields(self.field_order)

    def household_args(self) -> dict:
        """What ``resident_register`` takes to find or create the household."""
        data = self.cleaned_data
        if data["household"] == NEW_HOUSEHOLD:
            return {"door_number": data["door_number"], "address": data["address"]}
        return {"household_id": int(data["household"])}

    def service_data(self) -> dict:
        data = super().service_data()
        for name in ("household", "door_number", "address"):
            data.pop(name, None)
        return data


class ResidentMoveForm(forms.Form):
    to_household_code = forms.CharField(
        label=_("迁入户编码"), min_length=HOUSEHOLD_CODE_LENGTH, max_length=HOUSEHOLD_CODE_LENGTH,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": _("24位户编码")}),
        help_text=_("在目标户页面可以看到户编码"),
    )
    relation = forms.ChoiceField(
        label=_("在新户中与户主关系"), required=False,
        choices=[("", _("保持不变"))] + list(Resident.Relation.choices),
    )
    reason = forms.CharField(label=_("迁移原因"), max_length=200, required=False)

    def add_domain_errors(self, errors: dict) -> None:
        mapping = {"to_household_id": "to_household_code"}
        for field, message in errors.items():
            field = mapping.get(field, field)
            self.add_error(field if field in self.fields else None, str(message))


class ResidentEditForm(ResidentForm):
    """Editing never prints the full ID number or phone into the page: blank keeps them."""

    def __init__(self, *args, resident: Resident, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.pop("id_number", None)
        self.initial.pop("phone", None)
        for name, masked in (("id_number", resident.id_number_masked), ("phone", resident.phone_masked)):
            field = self.fields[name]
            field.required = False
            field.help_text = _("当前：%(masked)s，不修改请留空") % {"masked": masked or "—"}
            field.widget.attrs["placeholder"] = masked

    def service_data(self) -> dict:
        data = super().service_data()
        for name in ("id_number", "phone"):
            if not data.get(name):
                data.pop(name, None)
        return data


class PersonRegisterForm(forms.Form):
    """The picker's inline registration of someone the search did not find (prefix ``reg``)."""

    name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    id_type = forms.ChoiceField(label=_("证件类型"), choices=Resident.IdType.choices, required=False)
    id_number = forms.CharField(label=_("证件号码"), max_length=30, required=False)
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel"}))
    relation = forms.ChoiceField(label=_("与户主关系"), choices=Resident.Relation.choices,
                                 initial=Resident.Relation.OTHER_RELATIVE)
    household = forms.IntegerField(required=False, min_value=1)

    # The inline form asks the few things a field worker knows; the rest of the record is edited
    # on the resident's page.  Someone registered where they were found lives there.
    DEFAULTS = {"residence_type": Resident.ResidenceType.PERMANENT}

    def service_data(self) -> dict:
        data = {k: v if v is not None else "" for k, v in self.cleaned_data.items() if k != "household"}
        return {**self.DEFAULTS, **data}

    def add_domain_errors(self, errors: dict) -> None:
        for field, message in errors.items():
            field = "household" if field == "household_id" else field
            self.add_error(field if field in self.fields else None, str(message))
