"""Routing of a streamed answer to ``mojo_token`` / ``draft_token`` events, as the original.

Token payloads are cumulative (the whole text so far); the latest is kept as the partial text of
the session. A heartbeat with the tokens also tells a worker that lost its claim to stop streaming.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from apps.chat import delivery, events
from apps.chat.services import ClaimLost, conversation, heartbeat, heartbeat_interval
from apps.llm import services as llm
from apps.llm import tags


def draft_token_payload(session_id: str, execution_text: str) -> events.DraftToken:
    return events.draft_token(
        tags.extract(execution_text, tags.TITLE), tags.extract(execution_text, tags.DRAFT), session_id
    )


class TokenRouter:
    """``on_token`` callback for ``llm.chat``: decides what each prefix of the answer shows."""

    def __init__(self, generation: Any, message_tags: tuple[str, ...]):
        self.session_id = generation.session_id
        self.generation = generation
        self.message_tags = message_tags
        self._last_beat = time.monotonic()
        self._last_sent: tuple[str, str] | None = None

    def __call__(self, token: str, text_so_far: str) -> bool:
        self._beat()
        text = text_so_far.strip()
        if not text:
            return False
        if not text.startswith("<"):
            self._send(events.MOJO_TOKEN, events.mojo_token(text, self.session_id))
            return False
        for tag in self.message_tags:
            if tags.has(text, tag):
                content = tags.extract(text, tag)
                if content:
                    self._send(events.MOJO_TOKEN, events.mojo_token(content, self.session_id))
                return False
        if tags.has(text, tags.EXECUTION):
            payload = draft_token_payload(self.session_id, tags.extract(text, tags.EXECUTION))
            if payload["text"]:
                self._send(events.DRAFT_TOKEN, payload)
        return False

    def _send(self, event: str, payload: events.MojoToken | events.DraftToken) -> None:
        key = (event, payload["text"])
        if key == self._last_sent:
            return  # a token that changed nothing visible (inside a hidden tag)
        self._last_sent = key
        delivery.publish_token(self.session_id, event, payload)

    def _beat(self) -> None:
        now = time.monotonic()
        if now - self._last_beat >= heartbeat_interval():
            if not heartbeat(self.generation):
                raise ClaimLost(f"generation {self.generation.pk}: another worker took over")  # stop streaming
            self._last_beat = now


def text_edit_router(generation: Any) -> Callable[[str, str], bool]:
    """Text-edit answers are a bare title/draft: every prefix is a draft token."""
    session_id = generation.session_id
    router = TokenRouter(generation, ())

    def on_token(token: str, text_so_far: str) -> bool:
        router._beat()
        payload = draft_token_payload(session_id, text_so_far)
        if payload["text"]:
            router._send(events.DRAFT_TOKEN, payload)
        return False

    return on_token


def converse(
    generation: Any, prompt: Any, router: TokenRouter, *, assistant: str, execution: Any
) -> tuple[str, events.MessageContent]:
    """One assistant turn on an execution: the placeholder (``use_message_placeholder`` /
    ``use_draft_placeholder``) or the LLM with the session's conversation, streamed through
    ``router``. Returns the raw answer and the message content every assistant starts from."""
    options = generation.options
    if options.get("use_draft_placeholder"):
        result = llm.placeholder("draft", assistant=assistant, on_token=router)
    elif options.get("use_message_placeholder"):
        result = llm.placeholder("message", assistant=assistant, on_token=router)
    else:
        result = llm.chat(
            prompt,
            conversation=conversation(generation.session_id),
            user_id=generation.session.user_id,
            task_name=execution.user_task.task.name_for_system,
            execution_pk=execution.pk,
            on_token=router,
        )
    raw = result.text.strip()
    content: events.MessageContent = {"text_with_tags": raw, "user_task_execution_pk": execution.pk}
    language = tags.extract(raw, tags.USER_LANGUAGE).lower()
    if language:
        content["language"] = language
    return raw, content
