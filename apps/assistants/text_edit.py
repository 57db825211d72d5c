"""Text-edit actions: rewrite the current produced text with an action's prompt, as a new version."""

from __future__ import annotations

from django.db import transaction

from apps.assistants.streaming import text_edit_router
from apps.chat import events
from apps.chat import services as chat
from apps.chat.models import Generation
from apps.executions import services as executions
from apps.llm import services as llm
from apps.llm import tags


def prompt_path(prompt_file_name: str) -> str:
    """``prompts/text_edit_actions/<name>.mpt`` from the stored file name (with or without suffix)."""
    stem = prompt_file_name.rsplit("/", 1)[-1]
    for suffix in (".mpt", ".txt"):
        stem = stem.removesuffix(suffix)
    return f"text_edit_actions/{stem}"


def run(generation: Generation) -> None:
    source = generation.produced_text_version
    action = generation.text_edit_action
    assert source is not None and action is not None
    user = generation.session.user
    execution = source.produced_text.user_task_execution
    prompt = llm.render_prompt(prompt_path(action.prompt_file_name), title=source.title or "", draft=source.production)
    result = llm.chat(
        prompt,
        user_id=user.pk,
        task_name=execution.user_task.task.name_for_system if execution else None,
        execution_pk=execution.pk if execution else None,
        on_token=text_edit_router(generation),
        temperature=0.3,
        max_tokens=2000,
    )
    raw = result.text.strip()
    title, production = tags.title_and_draft(raw)
    with transaction.atomic():
        version = executions.save_produced_text_version(
            user_id=user.pk,
            title=title if title is not None else source.title,
            production=production,
            produced_text=source.produced_text,
            text_type_id=source.text_type_id,
        )
        content: events.MessageContent = {
            **executions.version_payload(version),
            "text_with_tags": tags.wrap(tags.EXECUTION, raw),
            "user_task_execution_pk": execution.pk if execution else None,
        }
        chat.finish_generation(generation, content, draft=True)
