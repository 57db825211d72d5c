"""Prompt values every assistant shares: who the user is, what time it is for them, the task."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from apps.accounts.models import User
from apps.executions.models import UserTaskExecution
from apps.llm import services as llm


def user_datetime_context(user: User) -> Any:
    """The user's local date and time (``timezone_offset`` uses the JS convention: minutes to
    subtract from UTC)."""
    now = timezone.now() - timedelta(minutes=user.timezone_offset or 0)
    return llm.render_prompt(
        "common/user_datetime_context",
        weekday=now.strftime("%A"),
        date=now.strftime("%d %B %Y"),
        time=now.strftime("%H:%M"),
    )


def base_values(user: User) -> dict[str, Any]:
    return {
        "mojo_knowledge": llm.render_prompt("common/mojodex_knowledge"),
        "user_datetime_context": user_datetime_context(user),
        "username": user.name or user.email.split("@")[0],
        "user_company_knowledge": user.company_description or "",
    }


def task_values(execution: UserTaskExecution) -> dict[str, Any]:
    task = execution.user_task.task
    output_format = " ".join(
        part for part in (task.output_format_instruction_title, task.output_format_instruction_draft) if part
    )
    return {
        "task": {
            "name_for_system": task.name_for_system,
            "definition": task.definition_for_system,
            "final_instruction": task.final_instruction or "",
            "output_format": output_format,
        },
        "infos_to_extract": task.infos_to_extract or [],
        "user_inputs": execution.json_input_values or [],
        "produced_text_done": execution.produced_texts.exists(),
    }
