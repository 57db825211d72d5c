"""JSON answers: fences stripped, re-asked on invalid answers, dumped when hopeless."""

from __future__ import annotations

import pytest

from apps.llm import services


def test_fenced_json_is_parsed(db, offline_llm, fake_script):
    fake_script('```json\n{"todos": []}\n```')

    assert services.chat_json("extract", required_keys=["todos"]) == {"todos": []}


def test_an_invalid_answer_is_asked_again(db, offline_llm, fake_script):
    fake_script("not json", '{"other": 1}', '{"todos": [1]}')

    assert services.chat_json("extract", required_keys=["todos"]) == {"todos": [1]}


def test_after_three_invalid_answers_the_raw_text_is_dumped(db, offline_llm, fake_script, tmp_path, settings):
    settings.DATA_DIR = tmp_path
    fake_script("bad 1", "bad 2", "bad 3", "never asked")

    with pytest.raises(services.LLMJSONError, match="no valid JSON answer after 3 attempts"):
        services.chat_json("extract", required_keys=["todos"], label="extract_todos")

    dumps = list(tmp_path.glob("extract_todos_*.txt"))
    assert len(dumps) == 1
    assert dumps[0].read_text() == "bad 3"
    assert services.chat("next").text == "never asked"
