"""Task executions: produced texts and their versions, form inputs, start, title and summary."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from apps.chat import delivery, events
from apps.chat.services import conversation
from apps.core.errors import Invalid
from apps.core.user_files import FILE_INPUTS, MAX_FILE_BYTES, safe_filename, session_dir
from apps.executions.models import ProducedText, ProducedTextVersion, UserTaskExecution
from apps.llm import services as llm
from apps.llm import tags

logger = logging.getLogger(__name__)


class InputError(Invalid):
    """A form input that does not fit the task's input spec (400); ``field`` names it for the
    client, in ``error`` (``"<field>: <message>"``) and in ``fields``."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}", fields={field: [message]})
        self.field = field
        self.reason = message


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
) -> ProducedTextVersion:
    """Add a version: to ``produced_text`` when given, else to the execution's text (an edit), else
    to a new produced text. The text type is the task's output type, else the previous version's.
    Its embedding is computed by a worker once the transaction commits."""
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
    request_embedding(version.pk)
    return version


def request_embedding(version_pk: int) -> None:
    """Queue the embedding of a version on the ``background`` queue, after commit (never computed
    in the web request that saved the text)."""
    # The task module imports this one (task ↔ service): the task is looked up when called.
    from apps.executions.tasks import embed_produced_text_version

    transaction.on_commit(lambda: embed_produced_text_version.delay(version_pk))


def embed_version(version_pk: int) -> bool:
    """Embed ``title\\n\\nproduction`` of a version that has no embedding yet; returns whether it
    stored one. Retryable LLM errors propagate (the task retries them); any other failure leaves
    the embedding empty (search degrades only, the text is never lost for it)."""
    version = (
        ProducedTextVersion.objects.select_related("produced_text")
        .filter(pk=version_pk, embedding__isnull=True)
        .first()
    )
    if version is None:
        return False  # gone, or embedded by an earlier delivery of the same task
    text = f"{version.title or ''}\n\n{version.production}"
    try:
        vector = llm.embed([text], user_id=version.produced_text.user_id, label="produced_text")
    except llm.RETRYABLE_ERRORS:
        raise
    except Exception as exc:  # an optional enrichment: a terminal failure is logged, not retried
        logger.warning("embedding of produced text version %s failed: %s", version_pk, exc)
        return False
    return bool(ProducedTextVersion.objects.filter(pk=version_pk, embedding__isnull=True).update(embedding=vector[0]))


def version_payload(version: ProducedTextVersion) -> events.MessageContent:
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


def request_title(execution: UserTaskExecution) -> None:
    """Queue the title and summary once the execution has something to summarise (no title yet)."""
    if execution.title:
        return
    # The task module imports this one (task ↔ service): the task is looked up when called.
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
        delivery.record_event(
            execution.session_id,
            events.USER_TASK_EXECUTION_TITLE,
            events.execution_title(title[:255], summary, execution_pk, execution.session_id),
        )
    return bool(updated)


def generate_title_and_summary(execution_pk: int) -> None:
    """Ask the LLM for a title and summary of the execution (skipped when it already has a title)."""
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
    delivery.record_event(
        execution.session_id,
        events.USER_TASK_EXECUTION_START,
        events.execution_start(now, execution.pk, execution.session_id),
    )
    return True


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
