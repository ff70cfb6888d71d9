from django.contrib import admin

from wangge.audit.admin import AuditedModelAdmin
from wangge.transfer.models import Admission, Facility, TransferOrder, TransferPatient


@admin.register(Facility)
class FacilityAdmin(AuditedModelAdmin):
    list_display = ("name", "tier", "grid_code", "capacity", "is_active")
    list_filter = ("tier", "is_active")
    search_fields = ("name", "grid_code")


class TransferPatientInline(admin.TabularInline):
    model = TransferPatient
    raw_id_fields = ("resident",)
    extra = 0


@admin.register(TransferOrder)
class TransferOrderAdmin(AuditedModelAdmin):
    list_display = ("id", "vehicle", "destination", "status", "planned_departure", "planned_arrival", "grid_code")
    list_filter = ("status",)
    search_fields = ("vehicle", "escort", "grid_code")
    inlines = [TransferPatientInline]


@admin.register(Admission)
class AdmissionAdmin(AuditedModelAdmin):
    list_display = ("resident", "facility", "admitted_at", "discharged_at", "grid_code")
    raw_id_fields = ("resident", "transfer")
