"""Embeddings: batched provider requests and the local hashing embedder."""

from __future__ import annotations

import math

import pytest

from apps.llm import services
from apps.llm.embeddings import HashingEmbedder
from apps.llm.errors import LLMTerminalError
from apps.llm.models import LLMCall
from bench.fake_openai_server import fake_vector
from tests.llm.conftest import ScriptedReply


def test_many_texts_go_in_one_request(db, fake_openai):
    texts = ["alpha", "beta gamma", "delta"]

    vectors = services.embed(texts, user_id=None, label="document_chunk")

    requests = fake_openai.requests_for("embeddings")
    assert len(requests) == 1
    assert requests[0].json["input"] == texts
    assert requests[0].json["model"] == "text-embedding-3-small"
    assert requests[0].json["encoding_format"] == "float"
    assert vectors == [fake_vector(t, 1536) for t in texts]
    call = LLMCall.objects.get()
    assert (call.kind, call.label, call.model, call.prompt_tokens, call.completion_tokens) == (
        "embedding",
        "document_chunk",
        "text-embedding-3-small",
        4,
        0,
    )


def test_texts_are_split_into_batches_in_order(db, fake_openai, settings):
    settings.LLM_EMBEDDING_BATCH_SIZE = 2
    texts = [f"text {i}" for i in range(5)]

    vectors = services.embed(texts)

    assert [r.json["input"] for r in fake_openai.requests_for("embeddings")] == [
        ["text 0", "text 1"],
        ["text 2", "text 3"],
        ["text 4"],
    ]
    assert vectors == [fake_vector(t, 1536) for t in texts]
    assert LLMCall.objects.filter(kind="embedding", status="ok").count() == 3


def test_configured_dimensions_are_requested(db, fake_openai):
    fake_openai.configure_embeddings(("openai/text-embedding-3-small", {"dimensions": 8}))

    vectors = services.embed(["one"])

    assert fake_openai.requests_for("embeddings")[0].json["dimensions"] == 8
    assert vectors == [fake_vector("one", 8)]


def test_a_rate_limited_batch_is_retried(db, fake_openai):
    fake_openai.script(ScriptedReply(status=429, endpoint="embeddings"))

    vectors = services.embed(["one", "two"])

    assert len(fake_openai.requests_for("embeddings")) == 2
    assert vectors == [fake_vector("one", 1536), fake_vector("two", 1536)]


def test_a_wrong_number_of_vectors_is_an_error(db, fake_openai):
    fake_openai.script(ScriptedReply(endpoint="embeddings", embeddings=[[1.0, 0.0]]))

    with pytest.raises(LLMTerminalError, match="1 embeddings returned for 2 texts"):
        services.embed(["one", "two"])


def test_no_text_makes_no_request(db, fake_openai):
    assert services.embed([]) == []
    assert fake_openai.requests_for("embeddings") == []


def test_without_a_provider_the_local_embedder_answers_offline(db, offline_llm, no_network):
    vectors = services.embed(["Solar panels for farms", "solar panels for farms"])

    assert len(vectors) == 2
    assert len(vectors[0]) == 1536
    assert vectors[0] == vectors[1]
    assert math.isclose(math.sqrt(sum(v * v for v in vectors[0])), 1.0)
    assert LLMCall.objects.count() == 0
    assert no_network == []


def test_the_hashing_embedder_ranks_shared_words_closer():
    embedder = HashingEmbedder(1536)

    def cosine(a, b):
        return sum(x * y for x, y in zip(a, b, strict=True))

    query, near, far = embedder.embed(["solar panel prices", "prices of a solar panel", "the cat sleeps"])

    assert cosine(query, near) > 0.4
    assert cosine(query, far) == 0.0
    assert embedder.embed_one("") == [1.0] + [0.0] * 1535
    assert HashingEmbedder(16).embed_one("a b") == HashingEmbedder(16).embed_one("a b")
