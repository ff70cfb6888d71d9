"""Forms of the 全员核酸 pages: they shape input; the rules are in ``services``."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.core import forms as core_forms
from wangge.core.codes import DIVISION_CODE_LENGTH
from wangge.testing.models import ControlLevel, Exemption, Round


class RoundForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    area_code = forms.CharField(label=_("区域代码（区划或网格）"), max_length=DIVISION_CODE_LENGTH + 3)
    starts_on = core_forms.DateField(label=_("开始日期"), initial=timezone.localdate,
                                widget=forms.DateInput(attrs={"type": "date"}))
    repeat = forms.ChoiceField(label=_("频次"), choices=Round.Repeat.choices, initial=Round.Repeat.ONCE)
    every_days = forms.IntegerField(label=_("间隔天数（每N天）"), min_value=1, max_value=30, initial=3, required=False)
    ends_on = core_forms.DateField(label=_("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    control_level = forms.ChoiceField(label=_("管控等级"), choices=ControlLevel.choices,
                                      initial=ControlLevel.PRECAUTION)
    pool_size = forms.TypedChoiceField(
        label=_("混采"), required=False, coerce=int, empty_value=None,
        choices=[("", _("按管控等级")), (1, _("单管")), (5, _("5混1")), (10, _("10混1")), (20, _("20混1"))])

    def clean_every_days(self):
        return self.cleaned_data.get("every_days") or 1


class PointForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    building_id = forms.IntegerField(label=_("楼栋编号（设在楼下时）"), required=False, min_value=1)
    lat = forms.FloatField(label=_("纬度"), required=False, min_value=-90, max_value=90)
    lng = forms.FloatField(label=_("经度"), required=False, min_value=-180, max_value=180)
    opens_at = forms.TimeField(label=_("开始时间"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    closes_at = forms.TimeField(label=_("结束时间"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    samplers = forms.IntegerField(label=_("采样人员数"), min_value=1, max_value=200, initial=2)
    staff = forms.CharField(label=_("工作人员"), max_length=300, required=False)


class ExemptionForm(forms.Form):
    resident_id = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("类型"), choices=Exemption.Kind.choices)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class ResultFileForm(forms.Form):
    lab = forms.CharField(label=_("检测机构"), max_length=100)
    file = forms.FileField(label=_("结果文件（.xlsx 或 .csv：条码、结果、接收时间、出结果时间）"))
