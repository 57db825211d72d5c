"""Django admin for users, their companies, push devices and vocabulary."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from apps.accounts.models import Company, Device, User, UserVocabulary


class DeviceInline(admin.TabularInline):
    model = Device
    extra = 0
    fields = ("creation_date", "valid", "fcm_token")
    readonly_fields = ("creation_date", "fcm_token")


class VocabularyInline(admin.TabularInline):
    model = UserVocabulary
    extra = 0
    fields = ("word", "creation_date")
    readonly_fields = ("creation_date",)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ("email",)
    list_display = (
        "email",
        "name",
        "company",
        "product_category",
        "language_code",
        "creation_date",
        "terms_and_conditions_accepted",
        "is_staff",
        "is_active",
    )
    list_filter = ("product_category", "is_staff", "is_active", "language_code", "todo_email_reception")
    list_select_related = ("company", "product_category")
    search_fields = ("email", "name", "id", "company__name")
    date_hierarchy = "creation_date"
    autocomplete_fields = ("company", "product_category")
    readonly_fields = ("id", "creation_date", "last_summary_update_date", "last_company_description_update_date")
    inlines = (VocabularyInline, DeviceInline)
    fieldsets = (
        (None, {"fields": ("id", "email", "password")}),
        (
            "Profile",
            {
                "fields": (
                    "name",
                    "language_code",
                    "timezone_offset",
                    "product_category",
                    "goal",
                    "todo_email_reception",
                )
            },
        ),
        (
            "What the assistant knows",
            {
                "fields": (
                    "summary",
                    "last_summary_update_date",
                    "company",
                    "company_description",
                    "last_company_description_update_date",
                ),
                "classes": ("collapse",),
            },
        ),
        ("Dates", {"fields": ("creation_date", "terms_and_conditions_accepted", "onboarding_presented")}),
        ("Sign-in providers", {"fields": ("google_id", "microsoft_id", "apple_id"), "classes": ("collapse",)}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "name", "language_code", "password1", "password2")}),
    )


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ("name", "emoji", "website", "n_users", "creation_date", "last_update_date")
    search_fields = ("name", "website")
    date_hierarchy = "creation_date"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Company]:
        return super().get_queryset(request).annotate(user_count=Count("users"))

    @admin.display(description="users", ordering="user_count")
    def n_users(self, company: Any) -> int:
        return int(company.user_count)
