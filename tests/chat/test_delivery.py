"""The session event log: sequence numbers, replay, acknowledgements, re-sends."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.chat import delivery, events
from apps.chat.models import Message, Sender, SessionEvent
from tests.factories import SessionFactory

pytestmark = pytest.mark.django_db


def test_it_numbers_events_per_session_from_one():
    first, second = SessionFactory(), SessionFactory()
    seqs = [delivery.record_event(first.pk, events.ERROR, {"error": "x", "session_id": first.pk}).seq for _ in range(3)]
    other = delivery.record_event(second.pk, events.ERROR, {"error": "y", "session_id": second.pk})
    assert seqs == [1, 2, 3]
    assert other.seq == 1


def test_it_replays_after_last_seq_plus_unacknowledged_messages():
    session = SessionFactory()
    message = Message.objects.create(session=session, sender=Sender.MOJO, message={"text": "hi"})
    delivery.record_event(session.pk, events.MOJO_MESSAGE, {"text": "hi", "message_pk": message.pk})  # seq 1
    delivery.record_event(session.pk, events.USER_TASK_EXECUTION_TITLE, {"title": "T", "session_id": session.pk})
    delivery.record_event(session.pk, events.ERROR, {"error": "e", "session_id": session.pk})  # seq 3

    assert [e.seq for e in delivery.events_to_replay(session.pk, last_seq=2)] == [1, 3]
    assert [e.seq for e in delivery.events_to_replay(session.pk, last_seq=None)] == [1]
    assert [e.seq for e in delivery.events_to_replay(session.pk, last_seq=0)] == [1, 2, 3]


def test_it_stores_an_ack_once_and_ignores_a_duplicate():
    session = SessionFactory()
    message = Message.objects.create(session=session, sender=Sender.MOJO, message={"text": "hi"})
    logged = delivery.record_event(session.pk, events.MOJO_MESSAGE, {"text": "hi", "message_pk": message.pk})
    assert logged.ack_key == f"message:{message.pk}"

    assert delivery.acknowledge(session.pk, message_pk=message.pk) is True
    message.refresh_from_db()
    logged.refresh_from_db()
    first_read, first_ack = message.read_by_user, logged.acked_at
    assert first_read is not None and first_ack is not None

    delivery.acknowledge(session.pk, message_pk=message.pk)
    message.refresh_from_db()
    logged.refresh_from_db()
    assert (message.read_by_user, logged.acked_at) == (first_read, first_ack)
    assert list(delivery.events_to_replay(session.pk, last_seq=None)) == []


def test_it_ignores_an_ack_for_a_message_of_another_session():
    session, other = SessionFactory(), SessionFactory()
    message = Message.objects.create(session=other, sender=Sender.MOJO, message={"text": "theirs"})
    assert delivery.acknowledge(session.pk, message_pk=message.pk) is False
    message.refresh_from_db()
    assert message.read_by_user is None


def test_it_resends_only_unacked_events_older_than_the_delay():
    session = SessionFactory()
    old = delivery.record_event(session.pk, events.MOJO_MESSAGE, {"text": "a", "message_pk": 1})
    fresh = delivery.record_event(session.pk, events.MOJO_MESSAGE, {"text": "b", "message_pk": 2})
    acked = delivery.record_event(session.pk, events.MOJO_MESSAGE, {"text": "c", "message_pk": 3})
    not_acked_kind = delivery.record_event(session.pk, events.ERROR, {"error": "d"})
    past = timezone.now() - timedelta(seconds=30)
    SessionEvent.objects.filter(pk__in=[old.pk, acked.pk, not_acked_kind.pk]).update(last_sent_at=past)
    SessionEvent.objects.filter(pk=acked.pk).update(acked_at=timezone.now())

    assert delivery.resend_unacked() == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert (old.send_count, fresh.send_count) == (2, 1)
    assert delivery.resend_unacked() == 0  # just re-sent: not due again yet
