"""The real provider code (openai client, streaming) against the fake OpenAI server."""

from __future__ import annotations

import pytest

from apps.llm import services
from apps.llm.errors import LLMRateLimitError, LLMRetryableError, LLMServerError, LLMTerminalError, LLMTimeoutError
from apps.llm.models import LLMCall
from tests.llm.conftest import ScriptedReply

HELLO = [{"role": "user", "content": "Say hello"}]


def test_streamed_tokens_arrive_in_order(db, fake_openai):
    fake_openai.script(ScriptedReply(chunks=["Hel", "lo", " brave", " new", " world"]))
    seen: list[tuple[str, str]] = []

    result = services.chat(HELLO, on_token=lambda token, text: seen.append((token, text)), user_id=None)

    assert seen == [
        ("Hel", "Hel"),
        ("lo", "Hello"),
        (" brave", "Hello brave"),
        (" new", "Hello brave new"),
        (" world", "Hello brave new world"),
    ]
    assert result.text == "Hello brave new world"
    assert result.model == "gpt-4o"
    assert result.provider == "openai"
    assert result.stopped is False
    assert result.finish_reason == "stop"
    assert result.attempts == 1
    assert result.time_to_first_token is not None
    assert 0 <= result.time_to_first_token <= result.duration
    request = fake_openai.requests_for("chat")[0]
    assert request.json["stream"] is True
    assert request.json["model"] == "gpt-4o"
    assert request.json["messages"] == HELLO
    assert request.headers["authorization"] == "Bearer test-key"


def test_the_callback_stops_the_generation(db, fake_openai):
    fake_openai.script(ScriptedReply(text="one two three four five six"))
    seen: list[str] = []

    def on_token(token: str, text: str) -> bool:
        seen.append(token)
        return text.endswith("three ")

    result = services.chat(HELLO, on_token=on_token)

    assert seen == ["one ", "two ", "three "]
    assert result.text == "one two three "
    assert result.stopped is True
    assert LLMCall.objects.get().status == LLMCall.Status.STOPPED


def test_without_a_callback_the_answer_is_not_streamed(db, fake_openai):
    fake_openai.script(ScriptedReply(text="Plain answer"))

    result = services.chat("Question?", user_id=None, json_format=True, temperature=0.3, max_tokens=50)

    assert result.text == "Plain answer"
    assert result.time_to_first_token is None
    payload = fake_openai.requests_for("chat")[0].json
    assert "stream" not in payload
    assert payload["response_format"] == {"type": "json_object"}
    assert payload["temperature"] == 0.3
    assert payload["max_tokens"] == 50


def test_a_429_then_success_is_retried_on_the_same_model(db, fake_openai):
    fake_openai.script(ScriptedReply(status=429, retry_after=0.001), ScriptedReply(text="Finally"))

    result = services.chat(HELLO, on_token=lambda token, text: None, label="greeting")

    assert result.text == "Finally"
    assert result.model == "gpt-4o"
    assert result.attempts == 2
    assert [r.json["model"] for r in fake_openai.requests_for("chat")] == ["gpt-4o", "gpt-4o"]
    rows = list(LLMCall.objects.values_list("model", "status", "attempt", "label"))
    assert rows == [("gpt-4o", "error", 1, "greeting"), ("gpt-4o", "ok", 2, "greeting")]


def test_a_500_falls_back_to_the_next_model(db, fake_openai, settings):
    settings.LLM_MAX_RETRIES = 0
    fake_openai.script(ScriptedReply(status=500, model="gpt-4o"), ScriptedReply(text="From mini", model="gpt-4o-mini"))

    result = services.chat(HELLO, on_token=lambda token, text: None)

    assert result.text == "From mini"
    assert result.model == "gpt-4o-mini"
    assert result.attempts == 1
    assert [r.json["model"] for r in fake_openai.requests_for("chat")] == ["gpt-4o", "gpt-4o-mini"]


def test_5xx_on_every_model_after_retries_is_retryable(db, fake_openai, settings):
    settings.LLM_MAX_RETRIES = 1
    fake_openai.script(*[ScriptedReply(status=503) for _ in range(4)])

    with pytest.raises(LLMServerError) as caught:
        services.chat(HELLO)

    assert caught.value.status_code == 503
    assert isinstance(caught.value, LLMRetryableError)
    assert [r.json["model"] for r in fake_openai.requests_for("chat")] == [
        "gpt-4o",
        "gpt-4o",
        "gpt-4o-mini",
        "gpt-4o-mini",
    ]
    assert LLMCall.objects.filter(status="error").count() == 4


def test_a_timeout_is_a_retryable_error(db, fake_openai, settings):
    settings.LLM_MAX_RETRIES = 0
    fake_openai.configure_models(("openai/gpt-4o", {"timeout": 0.3}))
    fake_openai.script(ScriptedReply(delay=3, text="too late"))

    with pytest.raises(LLMTimeoutError) as caught:
        services.chat(HELLO, on_token=lambda token, text: None)

    assert isinstance(caught.value, LLMRetryableError)
    assert caught.value.model == "gpt-4o"
    assert len(fake_openai.requests_for("chat")) == 1


def test_a_slow_stream_hits_the_total_timeout_and_is_not_replayed(db, fake_openai, settings):
    fake_openai.configure_models(("openai/gpt-4o", {"timeout": 0.5}), "openai/gpt-4o-mini")
    fake_openai.script(ScriptedReply(text="a b c d e f g h i j", tokens_per_second=10))
    seen: list[str] = []

    with pytest.raises(LLMTimeoutError) as caught:
        services.chat(HELLO, on_token=lambda token, text: seen.append(token))

    assert 1 <= len(seen) < 10
    assert caught.value.partial_text == "".join(seen)
    # Tokens already reached the caller: no retry, no fallback (the caller would see a restart).
    assert len(fake_openai.requests_for("chat")) == 1


def test_time_to_first_token_is_measured(db, fake_openai):
    fake_openai.script(ScriptedReply(text="late start", ttft=0.3))

    result = services.chat(HELLO, on_token=lambda token, text: None)

    assert result.time_to_first_token is not None
    assert 0.3 <= result.time_to_first_token <= result.duration
    assert (LLMCall.objects.get().time_to_first_token_ms or 0) >= 300


def test_a_400_is_terminal_and_not_retried(db, fake_openai):
    fake_openai.script(ScriptedReply(status=400, error_message="context too long"))

    with pytest.raises(LLMTerminalError) as caught:
        services.chat(HELLO, on_token=lambda token, text: None)

    assert caught.value.status_code == 400
    assert "context too long" in str(caught.value)
    assert not isinstance(caught.value, LLMRetryableError)
    assert len(fake_openai.requests_for("chat")) == 1
    assert list(LLMCall.objects.values_list("status", "attempt")) == [("error", 1)]


def test_rate_limit_errors_carry_retry_after(db, fake_openai, settings):
    settings.LLM_MAX_RETRIES = 0
    fake_openai.configure_models("openai/gpt-4o")
    fake_openai.script(ScriptedReply(status=429, retry_after=0.002))

    with pytest.raises(LLMRateLimitError) as caught:
        services.chat(HELLO)

    assert caught.value.retry_after == 0.002


def test_azure_sections_use_the_azure_client_with_the_originals_keys(db, fake_openai):
    fake_openai.configure_models(
        (
            "azure/gpt-4o",
            {
                "GPT4O_AZURE_OPENAI_KEY": "azure-key",
                "GPT4O_AZURE_OPENAI_API_BASE": fake_openai.server.url,
                "GPT4O_AZURE_OPENAI_API_VERSION": "2024-06-01",
                "GPT4O_AZURE_OPENAI_DEPLOYMENT_ID": "my-gpt4o",
                "api_key": "",
                "base_url": "",
                "api_version": "",
            },
        )
    )
    fake_openai.script(ScriptedReply(text="From Azure"))

    result = services.chat(HELLO, on_token=lambda token, text: None, user_id="u-1")

    request = fake_openai.requests_for("chat")[0]
    assert result.text == "From Azure"
    assert result.provider == "azure"
    assert request.path == "/openai/deployments/my-gpt4o/chat/completions"
    assert request.query == {"api-version": ["2024-06-01"]}
    assert request.headers["api-key"] == "azure-key"
    assert request.json["user"] == "u-1"


def test_a_prompt_template_runs_on_its_first_configured_model(db, fake_openai, tmp_path, settings):
    settings.LLM_PROMPTS_DIR = tmp_path
    (tmp_path / "hello.mpt").write_text(
        "#! mistral-large-latest\n#! gpt-4o-mini\n#! gpt-4o\nHello {{ name }} ({{ model }})"
    )
    fake_openai.script(ScriptedReply(text="Hi"))

    result = services.chat(
        services.render_prompt("hello", name="Ann"), conversation=[{"role": "user", "content": "Yo"}]
    )

    assert result.model == "gpt-4o-mini"
    assert result.label == "hello"
    assert fake_openai.requests_for("chat")[0].json["messages"] == [
        {"role": "system", "content": "Hello Ann (gpt-4o-mini)"},
        {"role": "user", "content": "Yo"},
    ]
