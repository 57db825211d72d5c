"""PUT /vocabulary: correct a misheard spelling across a session and its execution.

It lives in executions, not accounts, because it rewrites rows of chat (messages, session title)
and of executions (title, summary, produced text) — layers above accounts.
"""

from __future__ import annotations

from django.db import transaction

from apps.accounts.models import User
from apps.accounts.profile import add_word
from apps.chat.models import Message, Session
from apps.core.errors import Invalid, Missing
from apps.executions.models import ProducedTextVersion, UserTaskExecution


@transaction.atomic
def correct_spelling(user: User, session_id: str, initial: str, corrected: str) -> None:
    """Replace a misheard spelling in the session's messages, its title, its execution's title and
    summary and the execution's latest produced text; remember the word."""
    session = Session.objects.select_for_update().filter(pk=session_id, user=user).first()
    if session is None:
        raise Missing("session_id: not found")
    if not initial:
        raise Invalid("initial_spelling: must not be empty")
    for message in Message.objects.select_for_update().filter(session=session):
        text = (message.message or {}).get("text")
        if isinstance(text, str) and initial in text:
            message.message = {**message.message, "text": text.replace(initial, corrected)}
            message.save(update_fields=["message"])
    if session.title and initial in session.title:
        session.title = session.title.replace(initial, corrected)[:255]
        session.save(update_fields=["title"])
    execution = UserTaskExecution.objects.filter(session=session).order_by("id").first()
    if execution is not None:
        for field in ("title", "summary"):
            value = getattr(execution, field)
            if value and initial in value:
                replaced = value.replace(initial, corrected)
                setattr(execution, field, replaced[:255] if field == "title" else replaced)
        execution.save(update_fields=["title", "summary"])
        version = (
            ProducedTextVersion.objects.filter(produced_text__user_task_execution=execution)
            .order_by("-creation_date", "-id")
            .first()
        )
        if version is not None:
            version.title = version.title.replace(initial, corrected) if version.title else version.title
            version.production = version.production.replace(initial, corrected)
            version.save(update_fields=["title", "production"])
    add_word(user, corrected)
