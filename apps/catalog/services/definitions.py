"""Task definitions: validate, import (create or update), create, edit, delete.

Reading and exporting a task as JSON is in ``apps.catalog.services.export``."""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Q

from apps.catalog.definition import (
    INSTRUCT_FIELDS,
    InvalidTaskDefinition,
    TaskDefinitionSerializer,
    TaskEditSerializer,
    run_serializer,
)
from apps.catalog.models import (
    Platform,
    PredefinedActionDisplayedData,
    Task,
    TaskDisplayedData,
    TaskPlatformAssociation,
    TaskPredefinedActionAssociation,
    TaskType,
    TextType,
    WorkflowStep,
    WorkflowStepDisplayedData,
)
from apps.catalog.services.base import CatalogConflict, advisory_lock
from apps.catalog.signals import task_deleting
from apps.core.errors import Missing


def known_step_names() -> set[str] | None:
    """Step names of the workflow step library (``workflow_steps.registry.STEPS``), or ``None``
    while the library registers nothing yet, in which case step names are not checked."""
    try:
        registry = importlib.import_module("workflow_steps.registry")
    except ModuleNotFoundError:
        return None
    steps = getattr(registry, "STEPS", None)
    return set(steps) if steps else None


def _check_platforms(names: Sequence[str], field: str = "platforms") -> list[Platform]:
    by_name = {platform.name: platform for platform in Platform.objects.filter(name__in=names)}
    errors = {f"{field}[{i}]": f'unknown platform "{name}"' for i, name in enumerate(names) if name not in by_name}
    if errors:
        raise InvalidTaskDefinition(errors)
    return [by_name[name] for name in names]


def validate_task_definition(data: Any) -> dict[str, Any]:
    """The cleaned definition, or ``InvalidTaskDefinition`` naming every bad field.

    Checks the shape, that platforms exist and that workflow steps are in the step library.
    Predefined-action targets are resolved when the definition is written (they may be defined by
    another file of the same import).
    """
    cleaned = run_serializer(TaskDefinitionSerializer, data)
    _check_platforms(cleaned["platforms"])
    library = known_step_names()
    if library is not None:
        errors = {
            f"steps[{i}].name_for_system": f'"{step["name_for_system"]}" is not in the workflow step library'
            for i, step in enumerate(cleaned.get("steps") or [])
            if step["name_for_system"] not in library
        }
        if errors:
            raise InvalidTaskDefinition(errors)
    return cleaned


def _output_text_type(name: str, *, create: bool) -> TextType:
    text_type = TextType.objects.filter(name=name).order_by("id").first()
    if text_type is None:
        if not create:
            known = ", ".join(TextType.objects.values_list("name", flat=True))
            raise InvalidTaskDefinition({"output_type": f'unknown text type "{name}" (known: {known})'})
        text_type = TextType.objects.create(name=name)
    return text_type


def _sync_displayed_data(task: Task, items: Iterable[Mapping[str, Any]], *, remove_missing: bool) -> None:
    existing = {row.language_code: row for row in task.displayed_data.all()}
    given: set[str] = set()
    for item in items:
        code = item["language_code"]
        given.add(code)
        row = existing.get(code) or TaskDisplayedData(task=task, language_code=code)
        row.name_for_user = item["name_for_user"]
        row.definition_for_user = item["definition_for_user"]
        row.json_input = item["json_input"]
        row.save()
    if remove_missing:
        TaskDisplayedData.objects.filter(task=task).exclude(language_code__in=given).delete()


def _sync_platforms(task: Task, platforms: Sequence[Platform]) -> None:
    wanted = {platform.pk for platform in platforms}
    TaskPlatformAssociation.objects.filter(task=task).exclude(platform_id__in=wanted).delete()
    present = set(TaskPlatformAssociation.objects.filter(task=task).values_list("platform_id", flat=True))
    for platform in platforms:
        if platform.pk not in present:
            TaskPlatformAssociation.objects.create(task=task, platform=platform)


def _resolve_target(action: Mapping[str, Any], path: str) -> Task:
    name = action.get("task_name_for_system")
    if name:
        target = Task.objects.filter(name_for_system=name).order_by("id").first()
        if target is None:
            raise InvalidTaskDefinition({f"{path}.task_name_for_system": f'unknown task "{name}"'})
        return target
    target = Task.objects.filter(pk=action["task_pk"]).first()
    if target is None:
        raise InvalidTaskDefinition({f"{path}.task_pk": f"unknown task {action['task_pk']}"})
    return target


def _delete_predefined_actions(associations: Iterable[TaskPredefinedActionAssociation]) -> None:
    pks = [association.pk for association in associations]
    PredefinedActionDisplayedData.objects.filter(task_predefined_action_association_id__in=pks).delete()
    TaskPredefinedActionAssociation.objects.filter(pk__in=pks).delete()


def _sync_predefined_actions(task: Task, actions: Sequence[Mapping[str, Any]], *, remove_missing: bool) -> None:
    existing = {row.predefined_action_id: row for row in task.predefined_action_associations.all()}
    kept: set[int] = set()
    for index, action in enumerate(actions):
        target = _resolve_target(action, f"predefined_actions[{index}]")
        association = existing.get(target.pk)
        if association is None:
            association = TaskPredefinedActionAssociation.objects.create(task=task, predefined_action=target)
            existing[target.pk] = association
        kept.add(association.pk)
        rows = {row.language_code: row for row in association.displayed_data.all()}
        given: set[str] = set()
        for item in action["displayed_data"]:
            given.add(item["language_code"])
            row = rows.get(item["language_code"]) or PredefinedActionDisplayedData(
                task_predefined_action_association=association, language_code=item["language_code"]
            )
            row.displayed_data = item["data"]
            row.save()
        if remove_missing:
            association.displayed_data.exclude(language_code__in=given).delete()
    if remove_missing:
        _delete_predefined_actions(row for row in existing.values() if row.pk not in kept)


def _sync_steps(task: Task, steps: Sequence[Mapping[str, Any]]) -> None:
    """Steps ranked 1..n in list order. Existing steps are matched by name (in order) and updated in
    place, so their executions stay attached; a step left out is deleted unless it has executions."""
    available = list(task.workflow_steps.order_by("rank", "id"))
    for rank, item in enumerate(steps, start=1):
        step = next((s for s in available if s.name_for_system == item["name_for_system"]), None)
        if step is None:
            step = WorkflowStep(task=task, name_for_system=item["name_for_system"])
        else:
            available.remove(step)
        step.rank = rank
        step.definition_for_system = item["definition_for_system"]
        step.review_chat_enabled = item["review_chat_enabled"]
        step.user_validation_required = item["user_validation_required"]
        step.save()
        rows = {row.language_code: row for row in step.displayed_data.all()}
        for shown in item["step_displayed_data"]:
            row = rows.pop(shown["language_code"], None) or WorkflowStepDisplayedData(
                workflow_step=step, language_code=shown["language_code"]
            )
            row.name_for_user = shown["name_for_user"]
            row.definition_for_user = shown["definition_for_user"]
            row.save()
        WorkflowStepDisplayedData.objects.filter(pk__in=[row.pk for row in rows.values()]).delete()
    for step in available:
        if step.executions.exists():
            raise InvalidTaskDefinition(
                {"steps": f'step "{step.name_for_system}" has executions and cannot be removed from the workflow'}
            )
        step.displayed_data.all().delete()
        step.delete()


def _write_task(cleaned: Mapping[str, Any], *, create_only: bool, with_predefined_actions: bool) -> Task:
    name = cleaned["name_for_system"]
    advisory_lock(f"task:{name}")
    task = Task.objects.filter(name_for_system=name).order_by("id").first()
    if task is None:
        task = Task(name_for_system=name, type=cleaned["task_type"])
    elif create_only:
        raise CatalogConflict(f'a task named "{name}" already exists (task_pk {task.pk})')
    elif task.type != cleaned["task_type"]:
        raise InvalidTaskDefinition({"task_type": f'the existing task "{name}" is a {task.type} task'})
    instruct = cleaned["task_type"] == TaskType.INSTRUCT
    task.definition_for_system = cleaned["definition_for_system"]
    task.icon = cleaned["icon"]
    task.output_text_type = _output_text_type(cleaned["output_type"], create=True)
    task.result_chat_enabled = cleaned["result_chat_enabled"]
    task.visible_for_teasing = cleaned["visible_for_teasing"]
    for field in INSTRUCT_FIELDS:
        setattr(task, field, cleaned[field] if instruct else None)
    task.save()
    _sync_displayed_data(task, cleaned["task_displayed_data"], remove_missing=True)
    _sync_platforms(task, _check_platforms(cleaned["platforms"]))
    if not instruct:
        _sync_steps(task, cleaned["steps"])
    if with_predefined_actions:
        _sync_predefined_actions(task, cleaned.get("predefined_actions") or [], remove_missing=True)
    return task


def import_task_definitions(definitions: Sequence[Any]) -> list[Task]:
    """Create or update (by ``name_for_system``) the tasks of several definitions, atomically.

    Predefined actions are resolved once every task exists, so definitions may name each other.
    Errors are prefixed with ``[<index>].`` when more than one definition is given.
    """

    def prefixed(index: int, error: InvalidTaskDefinition) -> InvalidTaskDefinition:
        return error.prefixed(f"[{index}].") if len(definitions) > 1 else error

    cleaned_list = []
    for index, data in enumerate(definitions):
        try:
            cleaned_list.append(validate_task_definition(data))
        except InvalidTaskDefinition as error:
            raise prefixed(index, error) from None
    names = [cleaned["name_for_system"] for cleaned in cleaned_list]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise InvalidTaskDefinition({"name_for_system": f"defined twice: {', '.join(duplicates)}"})
    with transaction.atomic():
        tasks = []
        for index, cleaned in enumerate(cleaned_list):
            try:
                tasks.append(_write_task(cleaned, create_only=False, with_predefined_actions=False))
            except InvalidTaskDefinition as error:
                raise prefixed(index, error) from None
        for index, (task, cleaned) in enumerate(zip(tasks, cleaned_list, strict=True)):
            try:
                _sync_predefined_actions(task, cleaned.get("predefined_actions") or [], remove_missing=True)
            except InvalidTaskDefinition as error:
                raise prefixed(index, error) from None
    return tasks


def import_task_definition(data: Any) -> Task:
    """Create or update (idempotent, keyed by ``name_for_system``) the task of one definition.

    The definition is the truth: displayed data, platforms, predefined actions and steps not in
    it are removed (a step that has executions cannot be, and the import fails).
    """
    return import_task_definitions([data])[0]


def create_task_definition(data: Any) -> Task:
    """``PUT /task``: create the task; ``CatalogConflict`` when the name is taken."""
    cleaned = validate_task_definition(data)
    with transaction.atomic():
        return _write_task(cleaned, create_only=True, with_predefined_actions=True)


def edit_task(data: Any) -> Task:
    """``POST /task``: change the given fields of task ``task_pk``.

    Displayed data and predefined actions are upserted per language / target (others are kept),
    ``platforms`` replaces the set, ``output_type`` must name an existing text type. Raises
    ``Missing`` (unknown task), ``InvalidTaskDefinition`` or ``CatalogConflict`` (name taken).
    """
    cleaned = run_serializer(TaskEditSerializer, data)
    with transaction.atomic():
        task = Task.objects.select_for_update().filter(pk=cleaned["task_pk"]).first()
        if task is None:
            raise Missing("task_pk: not found")
        if "platforms" in cleaned:
            _sync_platforms(task, _check_platforms(cleaned["platforms"]))
        if "task_displayed_data" in cleaned:
            _sync_displayed_data(task, cleaned["task_displayed_data"], remove_missing=False)
        if "predefined_actions" in cleaned:
            _sync_predefined_actions(task, cleaned["predefined_actions"], remove_missing=False)
        if "name_for_system" in cleaned and cleaned["name_for_system"] != task.name_for_system:
            advisory_lock(f"task:{cleaned['name_for_system']}")
            other = Task.objects.filter(name_for_system=cleaned["name_for_system"]).exclude(pk=task.pk).first()
            if other is not None:
                raise CatalogConflict(f'a task named "{other.name_for_system}" already exists (task_pk {other.pk})')
            task.name_for_system = cleaned["name_for_system"]
        if "output_type" in cleaned:
            task.output_text_type = _output_text_type(cleaned["output_type"], create=False)
        for field in (
            "definition_for_system",
            "final_instruction",
            "output_format_instruction_title",
            "output_format_instruction_draft",
            "infos_to_extract",
            "icon",
            "result_chat_enabled",
        ):
            if field in cleaned:
                setattr(task, field, cleaned[field])
        task.save()
    return task


def delete_task(task: Task) -> None:
    """Delete a task with everything that only describes it: displayed data, platform links,
    predefined actions (from and to it) and steps; ``task_deleting`` lets the higher layers drop
    their rows (product contents, user-task rows) or refuse.

    A task that users have run is kept: ``CatalogConflict`` (remove it from products instead), so
    executions, produced texts and step results never lose their task.
    """
    with transaction.atomic():
        task = Task.objects.select_for_update().get(pk=task.pk)
        task_deleting.send(sender=Task, task=task)
        _delete_predefined_actions(
            TaskPredefinedActionAssociation.objects.filter(Q(task=task) | Q(predefined_action=task))
        )
        WorkflowStepDisplayedData.objects.filter(workflow_step__task=task).delete()
        WorkflowStep.objects.filter(task=task).delete()
        TaskPlatformAssociation.objects.filter(task=task).delete()
        TaskDisplayedData.objects.filter(task=task).delete()
        task.delete()
