"""Each real-time event's builder makes the payload ``docs/realtime.md`` documents: the same keys
(optional ones only when given), values of the types the event's TypedDict declares, and the
durable / acknowledged flags of the doc's table."""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from apps.chat import events
from apps.workflows import events as workflow_events

DOC = Path(__file__).resolve().parents[2] / "docs" / "realtime.md"

STEP: workflow_events.StepExecution = {
    "user_workflow_step_execution_pk": 7,
    "workflow_step_pk": 3,
    "step_name_for_user": "Divide",
    "step_definition_for_user": None,
    "creation_date": "2026-01-01T00:00:00+00:00",
    "user_validation_required": True,
    "validated": None,
    "parameter": {"topic": "snow"},
    "result": [{"stanza": "x"}],
    "error_status": None,
    "review_chat_enabled": False,
    "rank": 1,
    "item_index": 0,
    "status": "done",
}
DRAFT_CONTENT: events.MessageContent = {
    "text": "T\nBody",
    "text_with_tags": "<execution>…</execution>",
    "user_task_execution_pk": 4,
    "produced_text": "Body",
    "produced_text_title": "T",
    "produced_text_pk": 5,
    "produced_text_version_pk": 6,
    "text_type": "email",
}
MESSAGE_CONTENT: events.MessageContent = {"text": "Hi", "text_with_tags": "Hi", "user_task_execution_pk": 4}
WHEN = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)

# event → (TypedDict, payload with every optional key given, payload with none of them)
BUILT: dict[str, tuple[Any, Callable[[], Any], Callable[[], Any]]] = {
    events.MOJO_TOKEN: (events.MojoToken, lambda: events.mojo_token("Hel", "s1"), lambda: events.mojo_token("", "s1")),
    events.DRAFT_TOKEN: (
        events.DraftToken,
        lambda: events.draft_token("T", "Bo", "s1"),
        lambda: events.draft_token("", "Bo", "s1"),
    ),
    events.MOJO_MESSAGE: (
        events.MojoMessage,
        lambda: events.mojo_message(MESSAGE_CONTENT, session_id="s1", message_pk=9),
        lambda: events.mojo_message(MESSAGE_CONTENT, session_id="s1", message_pk=9),
    ),
    events.DRAFT_MESSAGE: (
        events.DraftMessage,
        lambda: events.draft_message(DRAFT_CONTENT, session_id="s1", message_pk=9),
        lambda: events.draft_message(DRAFT_CONTENT, session_id="s1", message_pk=9),
    ),
    events.ERROR: (
        events.ErrorEvent,
        lambda: events.error("boom", "s1", user_message_pk=2, user_task_execution_pk=4),
        lambda: events.error("boom", "s1"),
    ),
    events.USER_MESSAGE_RECEPTION: (
        events.UserMessageReception,
        lambda: events.user_message_reception("Hi", "s1"),
        lambda: events.user_message_reception("", "s1"),
    ),
    events.USER_TASK_EXECUTION_START: (
        events.ExecutionStart,
        lambda: events.execution_start(WHEN, 4, "s1"),
        lambda: events.execution_start(WHEN, 4, "s1"),
    ),
    events.USER_TASK_EXECUTION_TITLE: (
        events.ExecutionTitle,
        lambda: events.execution_title("Title", "Summary", 4, "s1"),
        lambda: events.execution_title("Title", "", 4, "s1"),
    ),
    events.PROPER_NOUNS_TAGGED: (
        events.ProperNounsTagged,
        lambda: events.proper_nouns_tagged(9, "*Jean*", "s1"),
        lambda: events.proper_nouns_tagged(9, "*Jean*", "s1"),
    ),
    **{
        name: (
            workflow_events.StepExecutionEvent,
            lambda: workflow_events.step_execution_event(STEP, "s1"),
            lambda: workflow_events.step_execution_event(STEP, "s1"),
        )
        for name in (
            events.WORKFLOW_STEP_EXECUTION_STARTED,
            events.WORKFLOW_STEP_EXECUTION_ENDED,
            events.WORKFLOW_STEP_EXECUTION_INVALIDATED,
        )
    },
    events.WORKFLOW_EXECUTION_PRODUCED_TEXT: (
        workflow_events.ProducedTextEvent,
        lambda: workflow_events.produced_text_event(
            user_task_execution_pk=4,
            produced_text="Body",
            produced_text_title="",
            produced_text_pk=5,
            produced_text_version_pk=6,
            session_id="s1",
        ),
        lambda: workflow_events.produced_text_event(
            user_task_execution_pk=4,
            produced_text="Body",
            produced_text_title="",
            produced_text_pk=5,
            produced_text_version_pk=6,
            session_id="s1",
        ),
    ),
}


def _keys(braced: str) -> tuple[set[str], set[str]]:
    """(required, optional) keys of a ``{a, b: <…>, c?}`` list."""
    required, optional = set(), set()
    for part in braced.strip("{}").split(","):
        name = part.split(":")[0].strip()
        if name.endswith("?"):
            optional.add(name[:-1])
        elif name:
            required.add(name)
    return required, optional


def documented() -> dict[str, tuple[set[str], set[str], bool, bool]]:
    """event → (required keys, optional keys, durable, acknowledged), from the doc's table."""
    text = DOC.read_text()
    step_json = re.search(r"Step-execution JSON.*?`(\{[^`]*\})`", text, re.DOTALL)
    assert step_json is not None, "the doc lists the step-execution JSON"
    step_keys = _keys(" ".join(step_json.group(1).split()))[0]
    table: dict[str, tuple[set[str], set[str], bool, bool]] = {}
    previous: tuple[set[str], set[str]] = (set(), set())
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 4 or not cells[0].startswith("`") or cells[1] not in ("yes", "no"):
            continue
        names = re.findall(r"`([a-z_]+)`", cells[0])
        names = [names[0]] + [names[0].rsplit("_", 1)[0] + n for n in names[1:] if n.startswith("_")]
        payload = cells[3]
        if payload.startswith("the step-execution JSON"):
            required, optional = step_keys | {"session_id"}, set()
        elif payload.startswith("the above +"):
            extra = payload.removeprefix("the above +").strip().strip("`")
            required = previous[0] | {k.strip() for k in extra.split(",")}
            optional = set(previous[1])
        else:
            braced = re.search(r"`(\{[^`]*\})`", payload)
            assert braced is not None, f"no payload for {names}"
            required, optional = _keys(braced.group(1))
        previous = (required, optional)
        for name in names:
            table[name] = (required, optional, cells[1] == "yes", cells[2].startswith("**yes**"))
    return table


def _fits(value: Any, annotation: Any) -> bool:
    if annotation is Any:
        return True
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return any(_fits(value, arm) for arm in typing.get_args(annotation))
    if annotation is type(None):
        return value is None
    if origin is not None:
        return isinstance(value, origin)
    if annotation is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, annotation)


def test_the_doc_and_the_builders_cover_the_same_events():
    assert set(documented()) == set(BUILT)


@pytest.mark.parametrize("event", sorted(BUILT))
def test_each_builder_makes_the_documented_payload(event):
    required, optional, durable, acknowledged = documented()[event]
    typed, full, minimal = BUILT[event]
    hints = typing.get_type_hints(typed)

    for payload in (full(), minimal()):
        assert required <= set(payload), f"{event}: missing {required - set(payload)}"
        assert set(payload) <= required | optional, f"{event}: undocumented {set(payload) - required - optional}"
        for key, value in payload.items():
            assert _fits(value, hints[key]), f"{event}.{key} = {value!r} is not {hints[key]}"
    assert set(full()) == required | optional
    assert set(minimal()) == required
    assert durable is (event not in events.TOKEN_EVENTS)
    assert acknowledged is (event in events.ACKNOWLEDGED_EVENTS)


def test_message_builders_refuse_an_incomplete_content():
    with pytest.raises(ValueError, match="needs a text"):
        events.mojo_message({"text_with_tags": "x"}, session_id="s1", message_pk=1)
    with pytest.raises(ValueError, match="produced_text_pk, produced_text_version_pk"):
        events.draft_message(
            {"text": "x", "produced_text": "x", "produced_text_title": ""}, session_id="s1", message_pk=1
        )
