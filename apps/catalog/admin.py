"""Django admin of the task catalogue: tasks (with their displayed data, platforms, predefined
actions and steps), JSON export/import of task definitions, text types, text-edit actions."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.text import get_valid_filename

from apps.catalog.models import (
    Platform,
    PredefinedActionDisplayedData,
    Task,
    TaskDisplayedData,
    TaskJsonRequest,
    TaskPlatformAssociation,
    TaskPredefinedActionAssociation,
    TextEditAction,
    TextEditActionDisplayedData,
    TextEditActionTextTypeAssociation,
    TextType,
    WorkflowStep,
    WorkflowStepDisplayedData,
)
from apps.catalog.services import (
    InvalidTaskDefinition,
    export_task_definition,
    import_task_definitions,
    text_edit_prompt_exists,
    text_edit_prompt_names,
)

MAX_IMPORT_BYTES = 2 * 1024 * 1024


def definition_file(task: Task) -> tuple[str, bytes]:
    """(file name, content) of a task's exported definition."""
    content = json.dumps(export_task_definition(task), ensure_ascii=False, indent=2) + "\n"
    return get_valid_filename(f"{task.name_for_system}.json"), content.encode("utf-8")


def download(filename: str, content: bytes, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- tasks ----------------------------------------------------------------------------------------


class TaskDisplayedDataInline(admin.StackedInline):
    model = TaskDisplayedData
    extra = 0
    fields = ("language_code", "name_for_user", "definition_for_user", "json_input")


class TaskPlatformInline(admin.TabularInline):
    model = TaskPlatformAssociation
    extra = 0
    verbose_name = "platform"
    verbose_name_plural = "platforms"


class PredefinedActionInline(admin.TabularInline):
    model = TaskPredefinedActionAssociation
    fk_name = "task"
    extra = 0
    autocomplete_fields = ("predefined_action",)
    show_change_link = True
    verbose_name = "predefined action"
    verbose_name_plural = "predefined actions (buttons offered after the result; edit their texts via the link)"


class WorkflowStepInline(admin.TabularInline):
    model = WorkflowStep
    extra = 0
    ordering = ("rank", "id")
    fields = ("rank", "name_for_system", "definition_for_system", "user_validation_required", "review_chat_enabled")
    show_change_link = True
    verbose_name_plural = "workflow steps (ordered by rank; edit their displayed data via the link)"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        items = data if isinstance(data, list | tuple) else [data]
        return [single(item, initial) for item in items]


class DefinitionImportForm(forms.Form):
    definition_files = MultipleFileField(
        help_text="One or more task definitions (.json: the PUT /task body, or a list of them). "
        "A task whose name_for_system exists is updated.",
    )

    def clean_definition_files(self) -> list[tuple[str, Any]]:
        definitions: list[tuple[str, Any]] = []
        for upload in self.cleaned_data["definition_files"]:
            if upload.size > MAX_IMPORT_BYTES:
                raise ValidationError(f"{upload.name}: larger than {MAX_IMPORT_BYTES // 1024} KiB")
            try:
                data = json.loads(upload.read().decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise ValidationError(f"{upload.name}: not valid JSON ({exc})") from None
            items = data if isinstance(data, list) else [data]
            definitions.extend((upload.name, item) for item in items)
        if not definitions:
            raise ValidationError("no definition found")
        return definitions


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = (
        "name_for_system",
        "icon",
        "type",
        "output_text_type",
        "platform_names",
        "languages",
        "result_chat_enabled",
        "visible_for_teasing",
    )
    list_display_links = ("name_for_system",)
    list_filter = ("type", "output_text_type", "platform_associations__platform", "visible_for_teasing")
    list_select_related = ("output_text_type",)
    search_fields = ("name_for_system", "definition_for_system", "displayed_data__name_for_user")
    ordering = ("name_for_system", "id")
    inlines = (TaskDisplayedDataInline, TaskPlatformInline, PredefinedActionInline, WorkflowStepInline)
    actions = ("export_definitions",)
    change_list_template = "admin/catalog/task/change_list.html"
    change_form_template = "admin/catalog/task/change_form.html"
    fieldsets = (
        (None, {"fields": ("name_for_system", "type", "icon", "definition_for_system", "output_text_type")}),
        (
            "Instruct task",
            {
                "fields": (
                    "final_instruction",
                    "output_format_instruction_title",
                    "output_format_instruction_draft",
                    "infos_to_extract",
                ),
                "description": "Only instruct tasks use these fields; leave them empty for a workflow.",
            },
        ),
        ("Options", {"fields": ("result_chat_enabled", "visible_for_teasing")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Task]:
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch(
                    "platform_associations",
                    queryset=TaskPlatformAssociation.objects.select_related("platform").order_by("platform_id"),
                ),
                Prefetch("displayed_data", queryset=TaskDisplayedData.objects.only("id", "task_id", "language_code")),
            )
        )

    @admin.display(description="platforms")
    def platform_names(self, task: Task) -> str:
        return ", ".join(association.platform.name for association in task.platform_associations.all())

    @admin.display(description="languages")
    def languages(self, task: Task) -> str:
        return ", ".join(sorted(row.language_code for row in task.displayed_data.all()))

    @admin.action(description="Export the JSON definition of the selected tasks")
    def export_definitions(self, request: HttpRequest, queryset: QuerySet[Task]) -> HttpResponse:
        tasks = list(queryset.order_by("name_for_system", "id"))
        if len(tasks) == 1:
            name, content = definition_file(tasks[0])
            return download(name, content, "application/json")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for task in tasks:
                archive.writestr(*definition_file(task))
        return download("task_definitions.zip", buffer.getvalue(), "application/zip")

    def get_urls(self) -> list[URLPattern]:
        own = [
            path("import/", self.admin_site.admin_view(self.import_view), name="catalog_task_import"),
            path("<int:task_pk>/export/", self.admin_site.admin_view(self.export_view), name="catalog_task_export"),
        ]
        return own + super().get_urls()

    def export_view(self, request: HttpRequest, task_pk: int) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        name, content = definition_file(get_object_or_404(Task, pk=task_pk))
        return download(name, content, "application/json")

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request) or not self.has_change_permission(request):
            raise PermissionDenied
        form = DefinitionImportForm(request.POST or None, request.FILES or None)
        errors: list[str] = []
        if request.method == "POST" and form.is_valid():
            definitions = form.cleaned_data["definition_files"]
            try:
                tasks = import_task_definitions([data for _, data in definitions])
            except InvalidTaskDefinition as error:
                errors = [self._error_line(definitions, path, text) for path, text in error.errors.items()]
            else:
                names = ", ".join(task.name_for_system for task in tasks)
                self.message_user(request, f"Imported {len(tasks)} task(s): {names}", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:catalog_task_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import task definitions",
            "form": form,
            "definition_errors": errors,
        }
        return TemplateResponse(request, "admin/catalog/task/import.html", context)

    @staticmethod
    def _error_line(definitions: list[tuple[str, Any]], path: str, text: str) -> str:
        if len(definitions) > 1 and path.startswith("["):
            index, _, path = path[1:].partition("].")
            if index.isdigit():
                return f"{definitions[int(index)][0]}: {path}: {text}"
        return f"{definitions[0][0]}: {path}: {text}"


# --- steps and predefined actions ---------------------------------------------------------------


class WorkflowStepDisplayedDataInline(admin.TabularInline):
    model = WorkflowStepDisplayedData
    extra = 0


@admin.register(WorkflowStep)
class WorkflowStepAdmin(admin.ModelAdmin):
    list_display = ("task", "rank", "name_for_system", "user_validation_required", "review_chat_enabled")
    list_display_links = ("name_for_system",)
    list_filter = ("user_validation_required", "review_chat_enabled", "task")
    list_select_related = ("task",)
    search_fields = ("name_for_system", "definition_for_system", "task__name_for_system")
    ordering = ("task__name_for_system", "rank", "id")
    autocomplete_fields = ("task",)
    inlines = (WorkflowStepDisplayedDataInline,)


class PredefinedActionDisplayedDataInline(admin.TabularInline):
    model = PredefinedActionDisplayedData
    extra = 0
    fields = ("language_code", "displayed_data")
    verbose_name_plural = 'displayed data per language: {"name", "button_text", "message_prefix"}'


@admin.register(TaskPredefinedActionAssociation)
class PredefinedActionAdmin(admin.ModelAdmin):
    list_display = ("id", "task", "predefined_action", "languages")
    list_select_related = ("task", "predefined_action")
    search_fields = ("task__name_for_system", "predefined_action__name_for_system")
    autocomplete_fields = ("task", "predefined_action")
    inlines = (PredefinedActionDisplayedDataInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[TaskPredefinedActionAssociation]:
        return super().get_queryset(request).prefetch_related("displayed_data")

    @admin.display(description="languages")
    def languages(self, association: TaskPredefinedActionAssociation) -> str:
        return ", ".join(sorted(row.language_code for row in association.displayed_data.all()))


@admin.register(Platform)
class PlatformAdmin(admin.ModelAdmin):
    list_display = ("id", "name", "n_tasks")
    search_fields = ("name",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Platform]:
        return super().get_queryset(request).annotate(task_count=Count("task_associations"))

    @admin.display(description="tasks", ordering="task_count")
    def n_tasks(self, platform: Any) -> int:
        return int(platform.task_count)


# --- text types and text-edit actions -------------------------------------------------------------


class TextEditActionTextTypeInline(admin.TabularInline):
    model = TextEditActionTextTypeAssociation
    extra = 0


@admin.register(TextType)
class TextTypeAdmin(admin.ModelAdmin):
    list_display = ("id", "name", "n_tasks", "n_text_edit_actions")
    search_fields = ("name",)
    ordering = ("id",)
    inlines = (TextEditActionTextTypeInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[TextType]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                task_count=Count("tasks", distinct=True),
                action_count=Count("text_edit_action_associations", distinct=True),
            )
        )

    @admin.display(description="tasks", ordering="task_count")
    def n_tasks(self, text_type: Any) -> int:
        return int(text_type.task_count)

    @admin.display(description="text edit actions", ordering="action_count")
    def n_text_edit_actions(self, text_type: Any) -> int:
        return int(text_type.action_count)


class TextEditActionForm(forms.ModelForm):
    class Meta:
        model = TextEditAction
        fields = ("emoji", "prompt_file_name")

    def clean_prompt_file_name(self) -> str:
        name = self.cleaned_data["prompt_file_name"]
        if not text_edit_prompt_exists(name):
            known = ", ".join(text_edit_prompt_names())
            raise ValidationError(f"No such prompt in prompts/text_edit_actions/ (known: {known})")
        return str(name)


class TextEditActionDisplayedDataInline(admin.TabularInline):
    model = TextEditActionDisplayedData
    extra = 0


@admin.register(TextEditAction)
class TextEditActionAdmin(admin.ModelAdmin):
    form = TextEditActionForm
    list_display = ("id", "emoji", "names", "prompt_file_name", "text_types")
    list_display_links = ("id", "names")
    list_filter = ("text_type_associations__text_type",)
    search_fields = ("prompt_file_name", "displayed_data__name")
    inlines = (TextEditActionDisplayedDataInline, TextEditActionTextTypeInline)

    def get_queryset(self, request: HttpRequest) -> QuerySet[TextEditAction]:
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                "displayed_data",
                Prefetch(
                    "text_type_associations",
                    queryset=TextEditActionTextTypeAssociation.objects.select_related("text_type"),
                ),
            )
        )

    @admin.display(description="names")
    def names(self, action: TextEditAction) -> str:
        return " / ".join(f"{row.name} [{row.language_code}]" for row in action.displayed_data.all())

    @admin.display(description="text types")
    def text_types(self, action: TextEditAction) -> str:
        return ", ".join(sorted(row.text_type.name for row in action.text_type_associations.all()))


# --- generated drafts -----------------------------------------------------------------------------


@admin.register(TaskJsonRequest)
class TaskJsonRequestAdmin(admin.ModelAdmin):
    """Drafts asked through ``POST /task_json``: read-only, their result is a PUT /task body."""

    list_display = ("id", "creation_date", "status", "attempts", "short_requirements", "finished_at")
    list_filter = ("status",)
    search_fields = ("task_requirements",)
    date_hierarchy = "creation_date"
    readonly_fields = (
        "task_requirements",
        "status",
        "result",
        "error",
        "attempts",
        "creation_date",
        "claimed_at",
        "finished_at",
    )

    @admin.display(description="requirements")
    def short_requirements(self, request: TaskJsonRequest) -> str:
        text = request.task_requirements
        return text if len(text) <= 80 else f"{text[:79]}…"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
