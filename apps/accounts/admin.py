"""Django admin for users."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from apps.accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ("email",)
    list_display = ("email", "name", "language_code", "creation_date", "is_staff", "is_active")
    list_filter = ("is_staff", "is_active", "language_code")
    search_fields = ("email", "name", "id")
    readonly_fields = ("id", "creation_date")
    fieldsets = (
        (None, {"fields": ("id", "email", "password")}),
        ("Profile", {"fields": ("name", "language_code", "timezone_offset", "goal", "summary")}),
        ("Dates", {"fields": ("creation_date", "terms_and_conditions_accepted", "onboarding_presented")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
