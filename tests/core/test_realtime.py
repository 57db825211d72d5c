"""Workers push events to channel-layer groups only after their transaction commits."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.db import transaction

from apps.core import realtime

pytestmark = pytest.mark.django_db(transaction=True)


async def _drain(layer, channel: str, wait: float = 0.3) -> list[dict]:
    messages = []
    while True:
        try:
            messages.append(await asyncio.wait_for(layer.receive(channel), wait))
        except TimeoutError:
            return messages


async def _run_in_session_group(work: Callable[[], None]) -> list[dict]:
    """Subscribe to group session.s1, run ``work`` in a worker thread (as a Celery task would)."""
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(realtime.session_group("s1"), channel)
    try:
        await database_sync_to_async(work)()
        return await _drain(layer, channel)
    finally:
        await layer.group_discard(realtime.session_group("s1"), channel)


async def test_it_sends_after_commit_with_the_payload_and_seq():
    seen_inside: list[bool] = []

    def work() -> None:
        with transaction.atomic():
            realtime.send_to_session("s1", "mojo_message", {"text": "hello", "message_pk": 3}, seq=7)
            seen_inside.append(bool(transaction.get_connection().run_on_commit))

    assert await _run_in_session_group(work) == [
        {"type": "realtime.event", "event": "mojo_message", "data": {"text": "hello", "message_pk": 3}, "seq": 7}
    ]
    assert seen_inside == [True]  # it was queued for the commit, not sent inside the transaction


async def test_it_sends_nothing_when_the_transaction_rolls_back():
    def work() -> None:
        with pytest.raises(RuntimeError), transaction.atomic():
            realtime.send_to_session("s1", "mojo_message", {"text": "lost"})
            raise RuntimeError("rollback")

    assert await _run_in_session_group(work) == []


async def test_it_rejects_a_payload_that_is_not_json_at_the_call_site():
    def work() -> None:
        with pytest.raises(TypeError):
            realtime.send_to_session("s1", "mojo_message", {"when": datetime(2026, 1, 1)})

    assert await _run_in_session_group(work) == []
