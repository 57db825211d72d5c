"""Task executions: produced texts and their versions, form inputs, start, title and summary."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from apps.executions.models import ProducedText, ProducedTextVersion, UserTaskExecution

logger = logging.getLogger(__name__)


class InputError(ValueError):
    """A form input that does not fit the task's input spec; ``field`` names it for the client."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


# --- produced texts ----------------------------------------------------------------------------


def latest_version(produced_text: ProducedText) -> ProducedTextVersion | None:
    return produced_text.versions.order_by("-creation_date", "-id").first()


def execution_produced_text(execution: UserTaskExecution) -> ProducedText | None:
    """The execution's produced text (one per execution by convention: the first one)."""
    return execution.produced_texts.filter(deleted_by_user__isnull=True).order_by("id").first()


@transaction.atomic
def save_produced_text_version(
    *,
    user_id: str,
    title: str | None,
    production: str,
    execution: UserTaskExecution | None = None,
    session_id: str | None = None,
    produced_text: ProducedText | None = None,
    text_type_id: int | None = None,
    embed: bool = True,
) -> ProducedTextVersion:
    """Add a version: to ``produced_text`` when given, else to the execution's text (an edit), else
    to a new produced text. The text type is the task's output type, else the previous version's."""
    if produced_text is None and execution is not None:
        produced_text = execution_produced_text(execution)
    previous = latest_version(produced_text) if produced_text is not None else None
    if produced_text is None:
        produced_text = ProducedText.objects.create(
            user_id=user_id,
            user_task_execution=execution,
            session_id=session_id or (execution.session_id if execution else None),
        )
    if text_type_id is None and execution is not None:
        text_type_id = execution.user_task.task.output_text_type_id
    if text_type_id is None and previous is not None:
        text_type_id = previous.text_type_id
    version = ProducedTextVersion.objects.create(
        produced_text=produced_text, title=title, production=production, text_type_id=text_type_id
    )
    if embed:
        transaction.on_commit(lambda: embed_version(version, user_id))
    return version


def embed_version(version: ProducedTextVersion, user_id: str) -> None:
    """Embed ``title\\n\\nproduction``; a failure leaves the embedding empty (search degrades only)."""
    from apps.llm import services as llm

    try:
        vector = llm.embed([f"{version.title or ''}\n\n{version.production}"], user_id=user_id, label="produced_text")
        ProducedTextVersion.objects.filter(pk=version.pk).update(embedding=vector[0])
    except Exception as exc:  # embedding is an optional enrichment; never lose the text for it
        logger.warning("embedding of produced text version %s failed: %s", version.pk, exc)


def version_payload(version: ProducedTextVersion) -> dict[str, Any]:
    """The produced-text fields of a ``draft_message``."""
    title = version.title or ""
    return {
        "produced_text": version.production,
        "produced_text_title": title,
        "produced_text_pk": version.produced_text_id,
        "produced_text_version_pk": version.pk,
        "text": f"{title}\n{version.production}" if title else version.production,
        "text_type": version.text_type.name if version.text_type is not None else None,
    }


def after_draft(execution: UserTaskExecution) -> None:
    """A draft was delivered: the execution ends now (again), consumes its purchase, gets a title."""
    UserTaskExecution.objects.filter(pk=execution.pk).update(end_date=timezone.now())
    from apps.products.services import consume_purchase_for_execution

    consume_purchase_for_execution(execution)
    request_title(execution)


def request_title(execution: UserTaskExecution) -> None:
    """Queue the title and summary once the execution has something to summarise (no title yet)."""
    if execution.title:
        return
    from apps.executions.tasks import generate_title_and_summary

    transaction.on_commit(lambda: generate_title_and_summary.delay(execution.pk))


@transaction.atomic
def set_title_and_summary(execution_pk: int, title: str, summary: str) -> bool:
    """Store a generated title/summary unless the user titled the execution meanwhile."""
    updated = UserTaskExecution.objects.filter(pk=execution_pk, title__isnull=True).update(
        title=title[:255], summary=summary
    )
    if updated:
        execution = UserTaskExecution.objects.get(pk=execution_pk)
        from apps.chat import delivery, events

        delivery.record_event(
            execution.session_id,
            events.USER_TASK_EXECUTION_TITLE,
            {
                "title": title[:255],
                "summary": summary,
                "user_task_execution_pk": execution_pk,
                "session_id": execution.session_id,
            },
        )
    return bool(updated)


def generate_title_and_summary(execution_pk: int) -> None:
    """Ask the LLM for a title and summary of the execution (skipped when it already has a title)."""
    from apps.chat.services import conversation
    from apps.llm import services as llm
    from apps.llm import tags

    execution = (
        UserTaskExecution.objects.select_related("user_task__task", "user_task__user").filter(pk=execution_pk).first()
    )
    if execution is None or execution.title:
        return
    task = execution.user_task.task
    transcript = "\n".join(
        f"{'User' if m['role'] == 'user' else 'Agent'}: {tags.strip_tags(m['content'])}"
        for m in conversation(execution.session_id)
        if m["role"] in ("user", "assistant")
    )
    result = llm.chat(
        llm.render_prompt(
            "executions/task_execution_summary",
            task_name=task.name_for_system,
            task_definition=task.definition_for_system,
            user_inputs=execution.json_input_values or [],
            conversation=transcript,
        ),
        user_id=execution.user_task.user_id,
        task_name=task.name_for_system,
        execution_pk=execution.pk,
        max_tokens=500,
    )
    title = tags.extract(result.text, tags.TITLE) or task.name_for_system.replace("_", " ")
    set_title_and_summary(execution.pk, title, tags.extract(result.text, tags.SUMMARY))


# --- start, inputs -------------------------------------------------------------------------------


def mark_started(execution: UserTaskExecution) -> bool:
    """Set ``start_date`` once (conditional update); tell the session's sockets the first time."""
    now = timezone.now()
    if not UserTaskExecution.objects.filter(pk=execution.pk, start_date__isnull=True).update(start_date=now):
        return False
    execution.start_date = now
    from apps.chat import delivery, events

    delivery.record_event(
        execution.session_id,
        events.USER_TASK_EXECUTION_START,
        {"start_date": now.isoformat(), "user_task_execution_pk": execution.pk, "session_id": execution.session_id},
    )
    return True


FILE_INPUTS = {
    "image": ("images", {".png", ".jpg", ".jpeg", ".gif", ".webp"}),
    "multiple_images": ("images", {".png", ".jpg", ".jpeg", ".gif", ".webp"}),
    "audio_file": ("audio_files", {".mp3", ".m4a", ".wav", ".webm", ".ogg", ".mp4", ".mpeg", ".mpga"}),
    "video": ("videos", {".mp4", ".mov", ".webm", ".mkv"}),
}
MAX_FILE_BYTES = {"images": 10 * 1024 * 1024, "audio_files": 50 * 1024 * 1024, "videos": 200 * 1024 * 1024}
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def session_dir(user_id: str, session_id: str) -> Path:
    """The session's folder of user files, laid out as the original: <data>/users/<user>/<session>."""
    return Path(settings.DATA_DIR) / "users" / user_id / session_id


def safe_filename(name: str) -> str:
    cleaned = _SAFE_NAME.sub("_", Path(name).name).strip("._")
    return cleaned or "file"


def check_upload(kind: str, upload: UploadedFile, field: str) -> str:
    """The safe file name of an upload whose type and size fit ``kind``; ``InputError`` otherwise."""
    folder, extensions = FILE_INPUTS[kind]
    name = safe_filename(upload.name or field)
    if Path(name).suffix.lower() not in extensions:
        raise InputError(field, f"file type not accepted (allowed: {', '.join(sorted(extensions))})")
    if upload.size is not None and upload.size > MAX_FILE_BYTES[folder]:
        raise InputError(field, f"file too large (max {MAX_FILE_BYTES[folder] // (1024 * 1024)} MB)")
    return name


def store_upload(user_id: str, session_id: str, kind: str, upload: UploadedFile, field: str) -> str:
    """Store a checked upload under the session folder (``images/``, ``audio_files/`` …); returns its name."""
    folder, _ = FILE_INPUTS[kind]
    name = check_upload(kind, upload, field)
    target = session_dir(user_id, session_id) / folder
    target.mkdir(parents=True, exist_ok=True)
    with open(target / name, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return name


def fill_inputs(
    execution: UserTaskExecution,
    inputs: Sequence[Mapping[str, Any]],
    files: Mapping[str, UploadedFile] | None = None,
) -> list[dict[str, Any]]:
    """Put the submitted values into the execution's ``json_input_values`` (validated, files stored).

    ``inputs`` is the original's ``[{input_name, input_value}]``; a drop-down value must be one of
    its ``possible_values``; file inputs take the uploaded file keyed by the input name (multiple
    images: ``<name>_<i>``). Raises ``InputError`` naming the offending input; stores nothing then.
    """
    files = files or {}
    spec = [dict(item) for item in (execution.json_input_values or [])]
    by_name = {item.get("input_name"): item for item in spec}
    submitted: dict[str, Any] = {}
    for index, entry in enumerate(inputs):
        if not isinstance(entry, Mapping) or "input_name" not in entry:
            raise InputError(f"inputs[{index}]", "each input needs input_name and input_value")
        name = entry["input_name"]
        if name not in by_name:
            raise InputError(f"inputs[{index}].input_name", f"unknown input {name!r}")
        submitted[name] = entry.get("input_value")
    pending_files: list[tuple[dict[str, Any], str, list[tuple[str, UploadedFile]]]] = []
    for item in spec:
        name = item["input_name"]
        kind = item.get("type", "text_area")
        if kind in FILE_INPUTS:
            uploads = [(name, files[name])] if name in files else []
            uploads += sorted((k, f) for k, f in files.items() if k.startswith(f"{name}_"))
            if uploads:
                for key, upload in uploads:
                    check_upload(kind, upload, key)  # refuse before anything is written
                pending_files.append((item, kind, uploads))
            elif name in submitted:
                item["value"] = submitted[name]
            continue
        if name not in submitted:
            continue
        value = submitted[name]
        if kind == "drop_down_list":
            allowed = [str(v.get("value") if isinstance(v, Mapping) else v) for v in item.get("possible_values", [])]
            if str(value) not in allowed:
                raise InputError(name, f"{value!r} is not one of {', '.join(allowed)}")
        elif value is not None and not isinstance(value, str):
            raise InputError(name, "must be a string")
        item["value"] = value
    for item, kind, uploads in pending_files:
        names = [
            store_upload(execution.user_task.user_id, execution.session_id, kind, upload, key)
            for key, upload in uploads
        ]
        item["value"] = names if kind == "multiple_images" else names[0]
    return spec


# --- creating and running executions ---------------------------------------------------------------


def displayed_data(items: Any, language: str | None) -> Any:
    """The item of a ``*_displayed_data`` set in ``language``, falling back to English, then any."""
    rows = list(items)
    for code in (language, "en"):
        for row in rows:
            if row.language_code == code:
                return row
    return rows[0] if rows else None


@transaction.atomic
def create_execution(
    user: Any,
    user_task: Any,
    *,
    platform: str | None = "webapp",
    predefined_action_from: UserTaskExecution | None = None,
) -> UserTaskExecution:
    """A new, not yet started execution of one of the user's tasks, with its own session.

    Access is decided by the purchases service (``NoPurchase`` when no active purchase allows the
    task); the inputs are the task's form in the user's language, each with ``value: null``.
    """
    from apps.chat.models import SessionMode
    from apps.chat.services import create_session
    from apps.products.services import check_can_start_task

    check_can_start_task(user, user_task.task)
    session = create_session(user, platform=platform, mode=SessionMode.FORM)
    data = displayed_data(user_task.task.displayed_data.all(), user.language_code)
    json_input = [dict(item, value=None) for item in ((data.json_input if data else None) or [])]
    return UserTaskExecution.objects.create(
        user_task=user_task,
        session=session,
        json_input_values=json_input,
        predefined_action_from_user_task_execution=predefined_action_from,
    )


@transaction.atomic
def run_from_form(
    execution: UserTaskExecution,
    inputs: Sequence[Mapping[str, Any]],
    files: Mapping[str, UploadedFile] | None = None,
    options: dict[str, Any] | None = None,
) -> bool:
    """Fill the form inputs, start the execution and queue its first answer. A repeated run of an
    execution already started changes nothing and returns False."""
    from apps.catalog.models import TaskType
    from apps.chat.services import start_form_run

    locked = UserTaskExecution.objects.select_for_update().select_related("user_task__task").get(pk=execution.pk)
    if locked.start_date is not None:
        return False
    locked.json_input_values = fill_inputs(locked, inputs, files)
    locked.save(update_fields=["json_input_values"])
    mark_started(locked)
    if locked.user_task.task.type == TaskType.WORKFLOW:
        from apps.workflows.services import start as start_workflow

        start_workflow(locked)  # the first step is queued after commit
    else:
        start_form_run(locked, options)
    return True


# --- execution management (routes) ---------------------------------------------------------------


def delete_execution(execution: UserTaskExecution) -> None:
    """Soft delete: the execution leaves the user's lists (``deleted_by_user`` = now)."""
    UserTaskExecution.objects.filter(pk=execution.pk, deleted_by_user__isnull=True).update(
        deleted_by_user=timezone.now()
    )


def rename_execution(execution: UserTaskExecution, title: str) -> None:
    """The user's title replaces the current one (a generated title never overwrites it later)."""
    UserTaskExecution.objects.filter(pk=execution.pk).update(title=title)
    execution.title = title


def delete_produced_text(produced_text: ProducedText) -> None:
    """Soft delete of a produced text (``deleted_by_user`` = now); its versions are kept."""
    ProducedText.objects.filter(pk=produced_text.pk, deleted_by_user__isnull=True).update(
        deleted_by_user=timezone.now()
    )


def execution_version(execution: UserTaskExecution, index: int) -> ProducedTextVersion | None:
    """The ``index``-th (1-based, oldest first) version of the execution's produced text."""
    if index < 1:
        raise ValueError("index is 1-based")
    produced_text = execution_produced_text(execution)
    if produced_text is None:
        return None
    return produced_text.versions.order_by("creation_date", "id")[index - 1 : index].first()
