from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from wangge.accounts.models import ApiToken, ScopeGrant, User
from wangge.audit.admin import AuditedModelAdmin


class ScopeGrantInline(admin.TabularInline):
    model = ScopeGrant
    extra = 1
    fields = ("code",)


@admin.register(User)
class UserAdmin(DjangoUserAdmin, AuditedModelAdmin):
    list_display = ("username", "display_name", "role", "is_active", "last_login")
    list_filter = ("role", "is_active", "is_superuser")
    search_fields = ("username", "display_name")
    fieldsets = DjangoUserAdmin.fieldsets + (("网格", {"fields": ("role", "display_name", "phone")}),)
    inlines = [ScopeGrantInline]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("prefix", "user", "name", "created_at", "last_used_at", "revoked")
    list_filter = ("revoked",)
    readonly_fields = ("prefix", "user", "key_hash", "created_at", "last_used_at")
    fields = ("prefix", "user", "name", "created_at", "last_used_at", "expires_at", "revoked")

    def has_add_permission(self, request):
        return False
