from django.contrib import admin

from apps.llm.models import LLMCall


@admin.register(LLMCall)
class LLMCallAdmin(admin.ModelAdmin):
    """Read-only view of provider calls (costs, latency, errors)."""

    list_display = ("id", "created_at", "kind", "label", "provider", "model", "status", "cost", "duration_ms")
    list_filter = ("kind", "status", "provider", "model")
    search_fields = ("label", "task_name_for_system", "user__email")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
