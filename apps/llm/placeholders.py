"""Placeholder replies (``use_message_placeholder`` / ``use_draft_placeholder``), as the original.

Fixed texts stand in for the LLM so a client can be tested without one. They are streamed like the
original (first 3 characters, then 3 more every 0.1 s, each call with the text so far) and, unlike
the original's defect, returned as a normal ``LLMResult`` so the assistant treats them like an LLM
answer. Which tags wrap them depends on the assistant (instruct, home_chat, workflow).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from apps.llm import tags

MESSAGE = "Hello there!"
QUESTION = "Could you give me a bit more information, please?"
DRAFT_TITLE = "What a lovely day to write!"
DRAFT_BODY = (
    "No one loves pain itself, nor seeks it out and wants to have it, simply because it is pain; but "
    "occasionally circumstances occur in which toil and pain can procure some great pleasure."
)
ASSISTANTS = ("instruct", "home_chat", "workflow")
STEP_CHARACTERS = 3
STEP_SECONDS = 0.1


def placeholder_text(kind: str, assistant: str = "instruct") -> str:
    """The tagged placeholder of ``kind`` ("message" or "draft") for an assistant."""
    if assistant not in ASSISTANTS:
        raise ValueError(f"unknown assistant {assistant!r}")
    if kind == "draft":
        if assistant == "home_chat":
            raise ValueError("the home chat has no draft placeholder")
        return tags.wrap(tags.EXECUTION, tags.wrap(tags.TITLE, DRAFT_TITLE) + tags.wrap(tags.DRAFT, DRAFT_BODY))
    if kind != "message":
        raise ValueError(f"unknown placeholder kind {kind!r}")
    if assistant == "home_chat":
        return tags.wrap(tags.MESSAGE_TO_USER, MESSAGE)  # the tag the home chat reads (original: <user_message>)
    if assistant == "workflow":
        return tags.wrap(tags.ASK_FOR_CLARIFICATION, QUESTION)
    return tags.wrap(tags.ASK_USER_PRIMARY_INFO, QUESTION)


def stream(
    text: str,
    on_text: Callable[[str], object] | None,
    *,
    step_characters: int = STEP_CHARACTERS,
    step_seconds: float = STEP_SECONDS,
) -> str:
    """Call ``on_text`` with growing prefixes of ``text``; a truthy return stops. Returns what was sent."""
    sent = ""
    for end in range(step_characters, len(text) + step_characters, step_characters):
        sent = text[:end]
        if on_text is not None and on_text(sent):
            break
        if end < len(text) and step_seconds:
            time.sleep(step_seconds)
    return sent
