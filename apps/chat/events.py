"""Typed payloads of the session events (names and fields as the original's Socket.IO events)."""

from __future__ import annotations

from typing import NotRequired, TypedDict

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
    text_with_tags: str
    session_id: str
    message_pk: int
    audio: bool
    user_task_execution_pk: NotRequired[int | None]


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
    summary: NotRequired[str]
    user_task_execution_pk: NotRequired[int]
    session_id: str


class ProperNounsTagged(TypedDict):
    message_pk: int
    tagged_text: str
    session_id: str
