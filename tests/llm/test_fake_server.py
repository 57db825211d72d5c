"""The fake OpenAI server's own controls (HTTP scripting, defaults, request log)."""

from __future__ import annotations

import json
import urllib.request

from bench.fake_openai_server import DEFAULT_CHAT_TEXT, FakeOpenAIServer, ScriptedReply, split_tokens


def post(url: str, payload) -> dict:
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


def test_it_can_be_scripted_over_http():
    with FakeOpenAIServer() as server:
        assert post(f"{server.url}/_fake/script", [{"text": "scripted", "endpoint": "chat"}]) == {"scripted": 1}

        first = post(f"{server.base_url}/chat/completions", {"model": "m", "messages": []})
        second = post(f"{server.base_url}/chat/completions", {"model": "m", "messages": []})
        with urllib.request.urlopen(f"{server.url}/_fake/requests", timeout=5) as response:
            log = json.loads(response.read())

    assert first["choices"][0]["message"]["content"] == "scripted"
    assert second["choices"][0]["message"]["content"] == DEFAULT_CHAT_TEXT
    assert [entry["endpoint"] for entry in log] == ["chat", "chat"]


def test_replies_match_on_model_and_endpoint():
    with FakeOpenAIServer() as server:
        server.script(ScriptedReply(text="for b", model="b"))
        a = post(f"{server.base_url}/chat/completions", {"model": "a", "messages": []})
        b = post(f"{server.base_url}/chat/completions", {"model": "b", "messages": []})
        server.reset()
        assert server.requests == []

    assert a["choices"][0]["message"]["content"] == DEFAULT_CHAT_TEXT
    assert b["choices"][0]["message"]["content"] == "for b"


def test_split_tokens_keeps_every_character():
    assert split_tokens("Hello  brave\nworld ") == ["Hello  ", "brave\n", "world "]
