"""Django admin of who may run which task (user tasks) and of the executions (read-only)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from apps.executions.models import UserTask, UserTaskExecution


@admin.register(UserTask)
class UserTaskAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "task", "enabled")
    list_filter = ("enabled", "task")
    list_select_related = ("user", "task")
    search_fields = ("user__email", "task__name_for_system")
    autocomplete_fields = ("user", "task")


@admin.register(UserTaskExecution)
class UserTaskExecutionAdmin(admin.ModelAdmin):
    """What users ran; read-only (a conversation is changed by its user, not here)."""

    list_display = ("id", "title", "user", "task", "start_date", "end_date", "deleted_by_user")
    list_filter = ("user_task__task",)
    list_select_related = ("user_task__user", "user_task__task")
    search_fields = ("title", "summary", "user_task__user__email", "session__id")
    date_hierarchy = "start_date"

    @admin.display(description="user", ordering="user_task__user__email")
    def user(self, execution: UserTaskExecution) -> Any:
        return execution.user_task.user

    @admin.display(description="task", ordering="user_task__task__name_for_system")
    def task(self, execution: UserTaskExecution) -> Any:
        return execution.user_task.task

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
