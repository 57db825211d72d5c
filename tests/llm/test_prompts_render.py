"""Every .mpt of the repository renders with the variables it declares, for each of its models."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from apps.llm.mpt import MPT, load_file

REPO = Path(settings.BASE_DIR)
SKIP_DIRS = {".venv", "var", "node_modules", ".git"}
ALL_MPT = sorted(p for p in REPO.rglob("*.mpt") if not SKIP_DIRS.intersection(p.relative_to(REPO).parts))


@pytest.mark.parametrize("path", ALL_MPT, ids=[str(p.relative_to(REPO)) for p in ALL_MPT])
def test_it_renders_with_its_declared_variables(path):
    parsed = load_file(path)

    assert parsed.declared is not None, "the template must open with {#- variables {...} -#}"
    assert set(parsed.declared) == set(parsed.variables)
    for model in [m.name for m in parsed.header] or [""]:
        text = MPT(path, **parsed.declared).render(model)
        assert text.strip() == text
        assert text != ""
        assert "{{" not in text
        assert "{%" not in text


def test_the_prompts_the_platform_needs_are_there():
    names = {str(p.relative_to(REPO / "prompts")) for p in ALL_MPT if p.is_relative_to(REPO / "prompts")}

    assert {
        "chat/task_run.mpt",
        "chat/home_chat_run.mpt",
        "chat/workflow_run.mpt",
        "executions/task_execution_summary.mpt",
        "todos/extract_todos.mpt",
        "text_edit_actions/make_it_shorter.mpt",
        "text_edit_actions/more_creative.mpt",
        "text_edit_actions/formal_to_informal.mpt",
        "text_edit_actions/just_memo.mpt",
        "workflows/write_poem/determine_poem_stanza.mpt",
        "workflows/write_poem/write_poem_stanza.mpt",
        "workflows/doc_gen/extract_chapters_from_transcription.mpt",
        "workflows/doc_gen/chapters_to_doc.mpt",
        "workflows/web_research_synthesis/create_note_from_webpage.mpt",
        "workflows/web_research_synthesis/ask_for_another_search.mpt",
        "workflows/web_research_synthesis/synthesis.mpt",
    } <= names


def test_task_run_asks_for_missing_information_only_before_a_result_exists():
    declared = load_file(REPO / "prompts/chat/task_run.mpt").declared or {}

    first = MPT("chat/task_run", **declared).render()
    review = MPT("chat/task_run", **(declared | {"produced_text_done": True})).render()

    assert "<missing_meeting_notes>yes or no</missing_meeting_notes>" in first
    assert "<ask_user_primary_info>" in first
    assert "<missing_meeting_notes>" not in review
    assert "<ask_user_primary_info>" not in review
    assert "<execution><title>the title</title><draft>the full text</draft></execution>" in review
