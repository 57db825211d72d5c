"""Placeholder answers (use_message_placeholder / use_draft_placeholder)."""

from __future__ import annotations

import pytest

from apps.llm import placeholders, services, tags


def test_the_draft_placeholder_streams_three_characters_at_a_time():
    seen: list[tuple[str, str]] = []

    result = services.placeholder("draft", on_token=lambda token, text: seen.append((token, text)), step_seconds=0)

    text = placeholders.placeholder_text("draft")
    assert result.text == text
    assert result.stopped is False
    assert seen[0] == (text[:3], text[:3])
    assert all(len(token) == 3 for token, _ in seen[:-1])
    assert seen[-1][1] == text
    assert len(seen) == -(-len(text) // 3)
    assert tags.extract(tags.extract(text, tags.EXECUTION), tags.TITLE) == placeholders.DRAFT_TITLE
    assert tags.extract(text, tags.DRAFT) == placeholders.DRAFT_BODY


@pytest.mark.parametrize(
    ("assistant", "tag", "content"),
    [
        ("instruct", tags.ASK_USER_PRIMARY_INFO, placeholders.QUESTION),
        ("workflow", tags.ASK_FOR_CLARIFICATION, placeholders.QUESTION),
        ("home_chat", tags.MESSAGE_TO_USER, placeholders.MESSAGE),
    ],
)
def test_the_message_placeholder_per_assistant(assistant, tag, content):
    result = services.placeholder("message", assistant=assistant, step_seconds=0)

    assert result.text == tags.wrap(tag, content)
    assert (result.provider, result.label) == ("placeholder", "placeholder_message")


def test_a_placeholder_stream_can_be_stopped():
    result = services.placeholder("message", on_token=lambda token, text: len(text) >= 6, step_seconds=0)

    assert result.text == placeholders.placeholder_text("message")[:6]
    assert result.stopped is True


def test_unknown_placeholders_are_refused():
    with pytest.raises(ValueError, match="no draft placeholder"):
        placeholders.placeholder_text("draft", "home_chat")
    with pytest.raises(ValueError, match="unknown placeholder kind"):
        placeholders.placeholder_text("poem")


def test_tag_extraction_is_partial_as_the_original():
    assert tags.extract("<draft>half a dra", tags.DRAFT) == "half a dra"
    assert tags.extract("no tag", tags.DRAFT) == ""
    assert tags.title_and_draft("plain <b>text</b>") == (None, "plain text")
    assert tags.title_and_draft("<title>T</title><draft>D</draft>") == ("T", "D")
