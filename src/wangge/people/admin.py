from django.contrib import admin

from wangge.audit.admin import AuditedModelAdmin
from wangge.people.models import ImportJob, KeyGroupTag, Resident


@admin.register(KeyGroupTag)
class KeyGroupTagAdmin(AuditedModelAdmin):
    list_display = ("code", "name", "sort_order", "is_active")
    list_editable = ("sort_order", "is_active")


@admin.register(Resident)
class ResidentAdmin(admin.ModelAdmin):
    """Read-only and masked: residents are changed through the platform's audited services."""

    list_display = ("name", "id_number_masked", "phone_masked", "grid_code", "residence_type")
    list_filter = ("residence_type", "sex")
    search_fields = ("name", "=id_tail")
    show_full_result_count = False
    fields = ("name", "sex", "birth_date", "id_type", "id_number_masked", "phone_masked", "household", "grid_code",
              "relation", "residence_type", "note")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "file_name", "status", "imported_rows", "error_count", "created_by")
    list_filter = ("kind", "status")
    readonly_fields = [f.name for f in ImportJob._meta.fields]

    def has_add_permission(self, request):
        return False
