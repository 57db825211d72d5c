"""Admin: step executions of workflow runs (read-mostly, for support and debugging)."""

from __future__ import annotations

from django.contrib import admin

from apps.workflows.models import UserWorkflowStepExecution, UserWorkflowStepExecutionResult


class ResultInline(admin.TabularInline):
    model = UserWorkflowStepExecutionResult
    extra = 0
    readonly_fields = ("creation_date", "author", "result")
    can_delete = False


@admin.register(UserWorkflowStepExecution)
class UserWorkflowStepExecutionAdmin(admin.ModelAdmin):
    list_display = ("id", "user_task_execution", "workflow_step", "item_index", "status", "validated", "attempts")
    list_filter = ("status", "validated")
    search_fields = ("id", "user_task_execution__id", "claimed_by")
    readonly_fields = ("creation_date", "claimed_at", "claimed_by", "heartbeat_at", "finished_at", "attempts")
    raw_id_fields = ("user_task_execution", "workflow_step")
    inlines = [ResultInline]
