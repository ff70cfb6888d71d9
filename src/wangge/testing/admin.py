from django.contrib import admin

from wangge.audit.admin import AuditedModelAdmin
from wangge.testing.models import Round, SamplingPoint, Tube


@admin.register(Round)
class RoundAdmin(AuditedModelAdmin):
    list_display = ("name", "grid_code", "starts_on", "repeat", "control_level", "status")
    list_filter = ("status", "control_level")
    search_fields = ("name", "grid_code")


@admin.register(SamplingPoint)
class SamplingPointAdmin(AuditedModelAdmin):
    list_display = ("name", "round", "grid_code", "samplers")
    search_fields = ("name", "grid_code")


@admin.register(Tube)
class TubeAdmin(AuditedModelAdmin):
    list_display = ("barcode", "round", "capacity", "size", "status", "result")
    list_filter = ("status", "result")
    search_fields = ("barcode",)
