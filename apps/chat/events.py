"""The session events: names, typed payloads, and one builder per event.

Names and fields are the original's Socket.IO events (``docs/realtime.md``). Every producer builds
its payload with the event's builder below, never an inline dict, so a payload cannot drift from
the documented shape (``tests/chat/test_event_builders.py`` checks them against the doc).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NotRequired, TypedDict, cast

# Durable events (kept in the session event log, replayed after reconnect).
MOJO_MESSAGE = "mojo_message"
DRAFT_MESSAGE = "draft_message"
ERROR = "error"
USER_MESSAGE_RECEPTION = "user_message_reception"
USER_TASK_EXECUTION_START = "user_task_execution_start"
USER_TASK_EXECUTION_TITLE = "user_task_execution_title"
WORKFLOW_STEP_EXECUTION_STARTED = "workflow_step_execution_started"
WORKFLOW_STEP_EXECUTION_ENDED = "workflow_step_execution_ended"
WORKFLOW_STEP_EXECUTION_INVALIDATED = "workflow_step_execution_invalidated"
WORKFLOW_EXECUTION_PRODUCED_TEXT = "workflow_execution_produced_text"
PROPER_NOUNS_TAGGED = "proper_nouns_tagged"  # not in the original: POST /vocabulary is asynchronous here

# Live-only events (streamed tokens: cumulative, the latest one is kept as the partial text).
MOJO_TOKEN = "mojo_token"
DRAFT_TOKEN = "draft_token"
TOKEN_EVENTS = frozenset({MOJO_TOKEN, DRAFT_TOKEN})

# Events the client must acknowledge (by message_pk / produced_text_version_pk).
ACKNOWLEDGED_EVENTS = frozenset({MOJO_MESSAGE, DRAFT_MESSAGE})


class MojoToken(TypedDict):
    text: str  # the whole text so far, not a delta
    session_id: str


class DraftToken(TypedDict):
    produced_text_title: str
    produced_text: str
    text: str  # "title\nproduction"
    session_id: str


class MojoMessage(TypedDict):
    text: str
    text_with_tags: NotRequired[str]  # absent only on a refusal that never reached the LLM
    session_id: str
    message_pk: int
    audio: bool
    user_task_execution_pk: NotRequired[int | None]
    language: NotRequired[str]  # the language the assistant detected (``<user_language>``)


class DraftMessage(MojoMessage):
    produced_text: str
    produced_text_title: str
    produced_text_pk: int
    produced_text_version_pk: int
    text_type: NotRequired[str | None]


class ErrorEvent(TypedDict):
    error: str
    session_id: str
    user_message_pk: NotRequired[int | None]
    user_task_execution_pk: NotRequired[int | None]


class UserMessageReception(TypedDict):
    success: str
    session_id: str


class ExecutionStart(TypedDict):
    start_date: str
    user_task_execution_pk: int
    session_id: str


class ExecutionTitle(TypedDict):
    title: str
    summary: str
    user_task_execution_pk: int
    session_id: str


class ProperNounsTagged(TypedDict):
    message_pk: int
    tagged_text: str
    session_id: str


class MessageContent(TypedDict, total=False):
    """What an assistant answers, before it is stored: the ``mojo_message`` / ``draft_message``
    payload without ``session_id``, ``message_pk`` and ``audio`` (known once stored)."""

    text: str
    text_with_tags: str
    user_task_execution_pk: int | None
    language: str
    produced_text: str
    produced_text_title: str
    produced_text_pk: int
    produced_text_version_pk: int
    text_type: str | None


# --- builders (one per event) ----------------------------------------------------------------


def mojo_token(text: str, session_id: str) -> MojoToken:
    return {"text": text, "session_id": session_id}


def draft_token(title: str, production: str, session_id: str) -> DraftToken:
    return {
        "produced_text_title": title,
        "produced_text": production,
        "text": f"{title}\n{production}" if title else production,
        "session_id": session_id,
    }


def mojo_message(content: MessageContent, *, session_id: str, message_pk: int) -> MojoMessage:
    """The stored assistant message as sent (a ``draft_message`` when it carries a version)."""
    if "text" not in content:
        raise ValueError("an assistant message needs a text")
    payload: dict[str, Any] = {**content, "session_id": session_id, "message_pk": message_pk, "audio": False}
    return cast(MojoMessage, payload)


def draft_message(content: MessageContent, *, session_id: str, message_pk: int) -> DraftMessage:
    missing = {"produced_text", "produced_text_title", "produced_text_pk", "produced_text_version_pk"} - set(content)
    if missing:
        raise ValueError(f"a draft message needs {', '.join(sorted(missing))}")
    return cast(DraftMessage, mojo_message(content, session_id=session_id, message_pk=message_pk))


def error(
    message: str,
    session_id: str,
    *,
    user_message_pk: int | None = None,
    user_task_execution_pk: int | None = None,
) -> ErrorEvent:
    """``error``; the optional keys are present only when known (as the original)."""
    payload: ErrorEvent = {"error": message, "session_id": session_id}
    if user_message_pk is not None:
        payload["user_message_pk"] = user_message_pk
    if user_task_execution_pk is not None:
        payload["user_task_execution_pk"] = user_task_execution_pk
    return payload


def user_message_reception(text: str, session_id: str) -> UserMessageReception:
    return {"success": text, "session_id": session_id}


def execution_start(start_date: datetime, user_task_execution_pk: int, session_id: str) -> ExecutionStart:
    return {
        "start_date": start_date.isoformat(),
        "user_task_execution_pk": user_task_execution_pk,
        "session_id": session_id,
    }


def execution_title(title: str, summary: str, user_task_execution_pk: int, session_id: str) -> ExecutionTitle:
    return {
        "title": title,
        "summary": summary,
        "user_task_execution_pk": user_task_execution_pk,
        "session_id": session_id,
    }


def proper_nouns_tagged(message_pk: int, tagged_text: str, session_id: str) -> ProperNounsTagged:
    return {"message_pk": message_pk, "tagged_text": tagged_text, "session_id": session_id}
