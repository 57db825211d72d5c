"""A user's chat history as the REST routes show it: their chat sessions, pages of messages (read
marks included), soft deletion of a session.

Writing a conversation (messages, generations, events) is ``apps.chat.services``; this module only
reads it, and records that the user has seen what a page returned.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Literal

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.fields.json import KT
from django.utils import timezone

from apps.chat.models import Message, Sender, Session, SessionEvent, SessionMode
from apps.chat.signals import send_versions_read


def chat_sessions(user: Any) -> QuerySet[Session]:
    """The user's free-chat sessions that have at least one message and are not deleted, newest first."""
    return (
        Session.objects.filter(user=user, starting_mode=SessionMode.CHAT, deleted_by_user=False)
        .filter(Exists(Message.objects.filter(session=OuterRef("pk"))))
        .order_by("-creation_date", "-id")
    )


def delete_session(session: Session) -> None:
    """Soft delete: the session leaves the user's lists; its messages and files are kept."""
    Session.objects.filter(pk=session.pk).update(deleted_by_user=True)


def message_page(
    session: Session,
    *,
    offset: int,
    limit: int,
    offset_direction: Literal["older", "newer"] = "older",
    user_task_execution_pk: int | None = None,
) -> list[Message]:
    """A page of the session's displayable messages (with a text, or from the user).

    ``older`` pages from the newest message backwards (newest first); ``newer`` pages from the
    oldest forwards and returns the page newest first too, like the original.
    """
    messages = (
        Message.objects.filter(session=session)
        .alias(text_value=KT("message__text"))
        .filter(Q(text_value__isnull=False) | Q(sender=Sender.USER))
    )
    if user_task_execution_pk is not None:
        # compared as text, like the original's ``message->>'user_task_execution_pk'``
        messages = messages.alias(execution_key=KT("message__user_task_execution_pk")).filter(
            execution_key=str(user_task_execution_pk)
        )
    if offset_direction == "newer":
        page: list[Message] = list(messages.order_by("message_date", "id")[offset : offset + limit])
        page.reverse()
        return page
    newest_first: list[Message] = list(messages.order_by("-message_date", "-id")[offset : offset + limit])
    return newest_first


def _version_pks(messages: Iterable[Message]) -> set[int]:
    pks = set()
    for message in messages:
        value = message.message.get("produced_text_version_pk") if isinstance(message.message, dict) else None
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            pks.add(int(value))
    return pks


@transaction.atomic
def mark_read(session_id: str, messages: Sequence[Message]) -> None:
    """The user has seen these messages: mark them and the produced text versions they carry
    ``read_by_user`` (the versions through ``signals.versions_read``), and acknowledge their events
    so they are not re-sent (what ``delivery.acknowledge`` does for one message, for a whole page)."""
    if not messages:
        return
    now = timezone.now()
    message_pks = [message.pk for message in messages]
    version_pks = _version_pks(messages)
    Message.objects.filter(pk__in=message_pks, read_by_user__isnull=True).update(read_by_user=now)
    send_versions_read(session_id, version_pks, now, report=False)  # apps.executions marks them
    keys = [f"message:{pk}" for pk in message_pks] + [f"version:{pk}" for pk in version_pks]
    SessionEvent.objects.filter(session_id=session_id, ack_key__in=keys, acked_at__isnull=True).update(acked_at=now)
    for message in messages:
        message.read_by_user = message.read_by_user or now
