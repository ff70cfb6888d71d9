"""Forms of the grid pages.  They only shape input; the rules are in ``grid.services``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wangge.grid.models import Household


class HouseholdForm(forms.Form):
    door_number = forms.CharField(
        label=_("门牌号"),
        max_length=Household._meta.get_field("door_number").max_length,
        widget=forms.TextInput(attrs={"placeholder": _("如 302")}),
    )
    address = forms.CharField(
        label=_("地址"),
        required=False,
        max_length=Household._meta.get_field("address").max_length,
        help_text=_("可不填，按楼栋、单元和门牌号生成"),
    )

    def add_domain_errors(self, errors: dict) -> None:
        for field, message in errors.items():
            self.add_error(field if field in self.fields else None, str(message))
