"""The XML-like tags of the assistant protocol (docs: reference assistants-and-prompts §3).

``extract`` follows the original's partial rule, usable on a stream still in progress: the text
after ``<tag>`` up to ``</tag>`` or the end of the string, stripped; "" when ``<tag>`` is absent.
"""

from __future__ import annotations

import re

USER_LANGUAGE = "user_language"
EXECUTION = "execution"
TITLE = "title"
DRAFT = "draft"
ASK_USER_PRIMARY_INFO = "ask_user_primary_info"
TASK_PK = "task_pk"
MESSAGE_TO_USER = "message_to_user"
USER_MESSAGE = "user_message"
NO_GO_EXPLANATION = "no_go_explanation"
ASK_FOR_CLARIFICATION = "ask_for_clarification"
USER_INSTRUCTION = "user_instruction"
MESSAGE_HEADER = "message_header"
MESSAGE_BODY = "message_body"
SUMMARY = "summary"

_ANY_TAG = re.compile(r"</?[a-zA-Z_][a-zA-Z0-9_]*>")


def has(text: str, tag: str) -> bool:
    return f"<{tag}>" in (text or "")


def extract(text: str, tag: str) -> str:
    """Content of ``<tag>`` (to ``</tag>`` or the end of ``text``), stripped; "" when absent."""
    text = text or ""
    start = text.find(f"<{tag}>")
    if start < 0:
        return ""
    start += len(tag) + 2
    end = text.find(f"</{tag}>", start)
    return (text[start:] if end < 0 else text[start:end]).strip()


def wrap(tag: str, content: str) -> str:
    return f"<{tag}>{content}</{tag}>"


def strip_tags(text: str) -> str:
    """``text`` without any tag (the content between tags is kept)."""
    return _ANY_TAG.sub("", text or "").strip()


def title_and_draft(text: str) -> tuple[str | None, str]:
    """(title, body) of a produced text; without tags the whole text (tags removed) is the body."""
    if has(text, DRAFT):
        return (extract(text, TITLE) if has(text, TITLE) else None), extract(text, DRAFT)
    return None, strip_tags(text)
