"""The prompt/response dataset, laid out as the original's."""

from __future__ import annotations

import json

from apps.llm import services


def test_nothing_is_written_by_default(db, offline_llm, fake_script, tmp_path, settings):
    settings.DATA_DIR = tmp_path

    services.chat("Hi", label="greeting")

    assert list(tmp_path.rglob("*.json")) == []


def test_each_call_is_a_numbered_file_under_label_and_task(db, offline_llm, fake_script, tmp_path, settings):
    settings.DATA_DIR = tmp_path
    settings.LLM_PROMPT_DATASET = True
    fake_script("First answer", "Second answer")

    services.chat("Hi", label="greeting", task_name="write_email", temperature=0.2, max_tokens=30)
    services.chat("Again", label="greeting", task_name="write_email")
    services.chat("No task", label="greeting")

    folder = tmp_path / "prompts_dataset" / "chat" / "greeting"
    assert sorted(str(p.relative_to(folder)) for p in folder.rglob("*.json")) == [
        "None/1.json",
        "write_email/1.json",
        "write_email/2.json",
    ]
    assert json.loads((folder / "write_email" / "1.json").read_text()) == {
        "temperature": 0.2,
        "max_tokens": 30,
        "n_responses": 1,
        "frequency_penalty": 0,
        "presence_penalty": 0,
        "messages": [{"role": "user", "content": "Hi"}],
        "responses": ["First answer"],
        "model_config": {"provider": "fake", "model": "fake"},
    }
    assert json.loads((folder / "write_email" / "2.json").read_text())["responses"] == ["Second answer"]


def test_a_mpt_call_is_filed_under_the_template_name(db, offline_llm, fake_script, tmp_path, settings):
    settings.DATA_DIR = tmp_path
    settings.LLM_PROMPT_DATASET = True

    services.chat(services.render_prompt("common/get_language", text="Bonjour"))

    assert [p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.json")] == [
        "prompts_dataset/chat/get_language/None/1.json"
    ]
