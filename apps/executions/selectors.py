"""Read-side shapes of executions shared by routes and events (user language, English fallback)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from datetime import timezone as dt_timezone
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from apps.catalog.models import Task, TaskDisplayedData, TaskPlatformAssociation
from apps.catalog.selectors import (
    displayed_data,
    predefined_actions_by_task,
    task_names,
    text_edit_actions_by_text_type,
    workflow_steps_by_task,
)
from apps.executions.models import ProducedText, ProducedTextVersion, UserTask, UserTaskExecution

# --- routes: user tasks, execution lists and produced texts (read side, no N+1) ------------------
#
# Every builder below takes a page of rows and loads what the rows share in a fixed number of
# queries (tasks' displayed data, workflow steps, predefined and text-edit actions, latest
# produced-text versions), so a page of 50 costs the same number of queries as a page of 1.


def local_iso(value: Any, timezone_offset: int | None) -> str | None:
    """An aware datetime as ISO 8601 in the user's time zone (``timezone_offset`` follows the JS
    convention: minutes to add to local time to get UTC), labelled with the right offset."""
    if value is None:
        return None
    return value.astimezone(dt_timezone(timedelta(minutes=-(timezone_offset or 0)))).isoformat()


def user_task_item(
    user_task: UserTask | None, task: Task, language: str | None, steps: list[dict[str, Any]], *, enabled: bool
) -> dict[str, Any]:
    """An item of ``GET /user_task``'s list (``task`` with its displayed data prefetched)."""
    name, description = task_names(task, language)
    return {
        "user_task_pk": user_task.pk if user_task is not None else None,
        "task_pk": task.pk,
        "task_name": name,
        "task_description": description,
        "task_icon": task.icon,
        "task_type": task.type,
        "steps": steps,
        "enabled": enabled,
    }


def user_task_detail(user: Any, platform_id: int, user_task_pk: int) -> dict[str, Any] | None:
    """``GET /user_task?user_task_pk=``: the user's enabled task offered on the platform, or None."""
    offered = TaskPlatformAssociation.objects.filter(task=OuterRef("task"), platform_id=platform_id)
    user_task = (
        UserTask.objects.filter(pk=user_task_pk, user=user, enabled=True)
        .filter(Exists(offered))
        .select_related("task")
        .prefetch_related("task__displayed_data")
        .first()
    )
    if user_task is None:
        return None
    task = user_task.task
    language = user.language_code
    name, description = task_names(task, language)
    return {
        "user_task_pk": user_task.pk,
        "task_pk": task.pk,
        "user_task_name": name,
        "user_task_description": description,
        "user_task_icon": task.icon,
        "task_name": name,
        "task_description": description,
        "task_icon": task.icon,
        "task_type": task.type,
        "steps": workflow_steps_by_task([task.pk], language)[task.pk],
        "enabled": True,
    }


def user_task_list(user: Any, platform_id: int, *, offset: int, limit: int) -> list[dict[str, Any]]:
    """``GET /user_task``: the user's enabled tasks on the platform (by task), then — to fill the page —
    "teasing" tasks shown disabled: tasks whose user task was disabled, and tasks marked
    ``visible_for_teasing`` the user has no user task for. The teasing offset continues the
    enabled list's (offset minus the number of enabled tasks)."""
    language = user.language_code
    offered = TaskPlatformAssociation.objects.filter(task=OuterRef("task"), platform_id=platform_id)
    enabled_query = UserTask.objects.filter(user=user, enabled=True).filter(Exists(offered))
    enabled = list(
        enabled_query.select_related("task")
        .prefetch_related("task__displayed_data")
        .order_by("task_id", "id")[offset : offset + limit]
    )
    teasing: list[Task] = []
    if len(enabled) < limit:
        n_enabled = enabled_query.count()
        users_tasks = UserTask.objects.filter(user=user, task=OuterRef("pk"))
        on_platform = TaskPlatformAssociation.objects.filter(task=OuterRef("pk"), platform_id=platform_id)
        teasing = list(
            Task.objects.filter(Exists(on_platform))
            .exclude(Exists(users_tasks.filter(enabled=True)))
            .filter(Q(Exists(users_tasks.filter(enabled=False))) | Q(~Exists(users_tasks), visible_for_teasing=True))
            .annotate(disabled_user_task_pk=Subquery(users_tasks.filter(enabled=False).order_by("id").values("pk")[:1]))
            .prefetch_related("displayed_data")
            .order_by("id")[max(0, offset - n_enabled) : max(0, offset - n_enabled) + limit - len(enabled)]
        )
    steps = workflow_steps_by_task(
        [ut.task_id for ut in enabled if ut.task.type == "workflow"] + [t.pk for t in teasing if t.type == "workflow"],
        language,
    )
    items = [user_task_item(ut, ut.task, language, steps.get(ut.task_id, []), enabled=True) for ut in enabled]
    for task in teasing:
        item = user_task_item(None, task, language, steps.get(task.pk, []), enabled=False)
        item["user_task_pk"] = task.disabled_user_task_pk  # type: ignore[attr-defined]
        items.append(item)
    return items


def user_executions(user: Any) -> QuerySet[UserTaskExecution]:
    """The user's executions with what their JSON needs in the same query: task, to-do counts, the
    execution's produced text (the first not deleted), its latest version and its version count."""
    produced_text = ProducedText.objects.filter(
        user_task_execution=OuterRef("pk"), deleted_by_user__isnull=True
    ).order_by("id")
    versions = ProducedTextVersion.objects.filter(produced_text_id=OuterRef("produced_text_pk"))
    version_count = versions.order_by().values("produced_text_id").annotate(n=Count("id")).values("n")
    alive = Q(todos__deleted_by_user__isnull=True)
    return (
        UserTaskExecution.objects.filter(user_task__user=user)
        .select_related("user_task__task", "user_task__user")
        .annotate(
            n_todos=Count("todos", filter=alive),
            n_not_read_todos=Count(
                "todos", filter=alive & Q(todos__read_by_user__isnull=True, todos__completed__isnull=True)
            ),
            produced_text_pk=Subquery(produced_text.values("pk")[:1]),
            latest_version_pk=Subquery(versions.order_by("-creation_date", "-id").values("pk")[:1]),
            n_versions=Coalesce(Subquery(version_count, output_field=IntegerField()), 0),
        )
    )


def executions_json(
    executions: Sequence[UserTaskExecution],
    user: Any,
    *,
    step_runs: Mapping[int, list[dict[str, Any]]],
    single: bool = False,
) -> list[dict[str, Any]]:
    """The execution JSON of ``GET /user_task_execution`` for rows of ``user_executions`` (a fixed
    number of queries for the whole page). ``single`` adds ``deleted_by_user`` and, for instruct
    tasks, ``steps``/``step_executions`` as null like the original's single form.

    ``step_runs`` are the workflow executions' ``step_executions`` (by execution pk), read by the
    caller from ``apps.workflows.selectors``: workflows sit above executions in the layer order."""
    if not executions:
        return []
    language = user.language_code
    tasks = {execution.user_task.task_id: execution.user_task.task for execution in executions}
    names: dict[int, list[TaskDisplayedData]] = {pk: [] for pk in tasks}
    for row in TaskDisplayedData.objects.filter(task_id__in=tasks):
        names[row.task_id].append(row)
    actions = predefined_actions_by_task(tasks, language)
    edit_actions = text_edit_actions_by_text_type((task.output_text_type_id for task in tasks.values()), language)
    workflow_tasks = [pk for pk, task in tasks.items() if task.type == "workflow"]
    steps = workflow_steps_by_task(workflow_tasks, language)
    version_pks = [e.latest_version_pk for e in executions if e.latest_version_pk]  # type: ignore[attr-defined]
    latest = ProducedTextVersion.objects.filter(pk__in=version_pks).defer("embedding")
    versions = {v.pk: v for v in latest} if version_pks else {}
    offset = user.timezone_offset
    result = []
    for execution in executions:
        task = execution.user_task.task
        data = displayed_data(names[task.pk], language)
        version = versions.get(execution.latest_version_pk)  # type: ignore[attr-defined]
        values = execution.json_input_values or []
        item: dict[str, Any] = {
            "user_task_execution_pk": execution.pk,
            "start_date": local_iso(execution.start_date, offset),
            "end_date": local_iso(execution.end_date, offset),
        }
        if single:
            item["deleted_by_user"] = execution.deleted_by_user is not None
        item.update(
            {
                "title": execution.title,
                "summary": execution.summary,
                "session_id": execution.session_id,
                "json_inputs_values": None if all(v.get("value") is None for v in values) else values,
                "icon": task.icon,
                "task_name": data.name_for_user if data else None,
                "task_type": task.type,
                "result_chat_enabled": task.result_chat_enabled,
                "actions": actions[task.pk],
                "user_task_pk": execution.user_task_id,
                "n_todos": execution.n_todos,  # type: ignore[attr-defined]
                "n_not_read_todos": execution.n_not_read_todos,  # type: ignore[attr-defined]
                "produced_text_pk": version.produced_text_id if version else None,
                "produced_text_title": version.title if version else None,
                "produced_text_production": version.production if version else None,
                "produced_text_version_pk": version.pk if version else None,
                "produced_text_version_index": execution.n_versions,  # type: ignore[attr-defined]
                "text_edit_actions": edit_actions.get(task.output_text_type_id, []),  # type: ignore[arg-type]
                "working_on_todos": execution.todos_extracted is None,
            }
        )
        if task.type == "workflow":
            item["steps"] = steps[task.pk]
            item["step_executions"] = step_runs[execution.pk]
        elif single:
            item["steps"] = None
            item["step_executions"] = None
        result.append(item)
    return result


def produced_text_json(version: ProducedTextVersion) -> dict[str, Any]:
    """``GET /produced_text`` item: a text as its version (``produced_text`` and ``text_type`` loaded)."""
    produced_text = version.produced_text
    return {
        "produced_text_pk": produced_text.pk,
        "user_task_execution_fk": produced_text.user_task_execution_id,
        "user_id": produced_text.user_id,
        "production": version.production,
        "title": version.title,
        "creation_date": version.creation_date.isoformat(),
        "text_type": version.text_type.name if version.text_type is not None else None,
    }


def latest_versions_of_user(user: Any) -> QuerySet[ProducedTextVersion]:
    """The latest version of each of the user's not deleted produced texts, newest first."""
    latest = ProducedTextVersion.objects.filter(produced_text_id=OuterRef("produced_text_id")).order_by(
        "-creation_date", "-id"
    )
    return (
        ProducedTextVersion.objects.filter(produced_text__user=user, produced_text__deleted_by_user__isnull=True)
        .filter(pk=Subquery(latest.values("pk")[:1]))
        .select_related("produced_text", "text_type")
        .defer("embedding")
        .order_by("-creation_date", "-id")
    )


def user_execution(user: Any, pk: int) -> UserTaskExecution | None:
    """The user's (not deleted) execution, or None: another user's looks like a missing one."""
    return (
        UserTaskExecution.objects.select_related("user_task__task", "session")
        .filter(pk=pk, user_task__user=user, deleted_by_user__isnull=True)
        .first()
    )
