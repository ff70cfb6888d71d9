from django.contrib import admin

from wangge.audit.admin import AuditedModelAdmin
from wangge.grid.models import Building, Division, Grid, GridAssignment, Household, Unit


@admin.register(Division)
class DivisionAdmin(AuditedModelAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)


class GridAssignmentInline(admin.TabularInline):
    model = GridAssignment
    extra = 0
    raw_id_fields = ("building", "user")


@admin.register(Grid)
class GridAdmin(AuditedModelAdmin):
    list_display = ("code", "name", "community", "building_count", "household_count", "resident_count")
    search_fields = ("code", "name")
    raw_id_fields = ("community",)
    readonly_fields = ("building_count", "household_count", "resident_count")
    inlines = [GridAssignmentInline]


@admin.register(Building)
class BuildingAdmin(AuditedModelAdmin):
    list_display = ("code", "name", "grid", "address")
    search_fields = ("code", "name", "address")
    raw_id_fields = ("grid",)


@admin.register(Unit)
class UnitAdmin(AuditedModelAdmin):
    list_display = ("code", "name", "building")
    search_fields = ("code",)
    raw_id_fields = ("building",)


@admin.register(Household)
class HouseholdAdmin(AuditedModelAdmin):
    list_display = ("code", "door_number", "address", "resident_count")
    search_fields = ("code", "address")
    raw_id_fields = ("unit",)
    readonly_fields = ("resident_count",)
