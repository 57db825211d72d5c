"""The instruct-task assistant: one prompt, the conversation, and the tag protocol.

The answer is either a question (``<ask_user_primary_info>``), a delivery (``<execution>`` with
``<title>``/``<draft>``: a new produced text version and a ``draft_message``), or plain text.
"""

from __future__ import annotations

import re

from apps.assistants import context
from apps.assistants.runs import deliver_draft
from apps.assistants.streaming import TokenRouter, converse
from apps.chat import services as chat
from apps.chat.models import Generation
from apps.chat.voice import transcribe_message
from apps.llm import services as llm
from apps.llm import tags

_HIDDEN = re.compile(r"<(user_language|missing_[a-z0-9_]+)>.*?</\1>", re.DOTALL)


def visible_text(raw: str) -> str:
    """The answer without the chain-of-thought tags the user never sees."""
    return tags.strip_tags(_HIDDEN.sub("", raw))


def transcribe_pending_audio(generation: Generation) -> None:
    """A voice message is transcribed by the worker (with the user's vocabulary), not the web process."""
    if generation.user_message is not None and "text" not in (generation.user_message.message or {}):
        transcribe_message(generation.user_message)


def run(generation: Generation) -> None:
    transcribe_pending_audio(generation)
    execution = generation.user_task_execution
    assert execution is not None
    user = generation.session.user
    prompt = llm.render_prompt(
        "chat/task_run",
        **context.base_values(user),
        **context.task_values(execution),
        audio_message=bool(generation.options.get("audio")),
        tag_proper_nouns=generation.options.get("platform") == "mobile",
    )
    router = TokenRouter(generation, (tags.ASK_USER_PRIMARY_INFO,))
    raw, content = converse(generation, prompt, router, assistant="instruct", execution=execution)
    if tags.has(raw, tags.EXECUTION):
        execution_text = tags.extract(raw, tags.EXECUTION)
        if tags.has(execution_text, tags.DRAFT):
            deliver_draft(generation, execution, content, execution_text, workflow=False)
            return
        content["text"] = visible_text(execution_text)
    elif tags.has(raw, tags.ASK_USER_PRIMARY_INFO):
        content["text"] = tags.extract(raw, tags.ASK_USER_PRIMARY_INFO)
    else:
        content["text"] = visible_text(raw)
    chat.finish_generation(generation, content, draft=False)
