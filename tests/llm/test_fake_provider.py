"""The offline fake provider follows the assistants' tag protocol."""

from __future__ import annotations

import json

import pytest

from apps.llm import services, tags
from apps.llm.mpt import load_file

PROMPTS = load_file("chat/task_run").path.parent.parent


def example(path: str) -> dict:
    return dict(load_file(path).declared or {})


@pytest.fixture
def streamed():
    tokens: list[str] = []

    def on_token(token: str, text: str) -> None:
        tokens.append(token)

    on_token.tokens = tokens  # type: ignore[attr-defined]
    return on_token


def test_instruct_asks_for_primary_info_when_the_user_gave_nothing(db, offline_llm, fake_script, streamed):
    values = example("chat/task_run") | {"user_inputs": [{"input_name": "meeting_notes", "value": ""}]}

    result = services.chat(services.render_prompt("chat/task_run", **values), conversation=[], on_token=streamed)

    assert result.text == (
        "<user_language>en</user_language><missing_primary_info>yes</missing_primary_info>"
        "<ask_user_primary_info>Could you tell me more about what you need for prepare meeting minutes?"
        "</ask_user_primary_info>"
    )
    assert "".join(streamed.tokens) == result.text
    assert len(streamed.tokens) > 5
    assert (result.provider, result.model, result.section) == ("fake", "fake", "fake/fake")


def test_instruct_delivers_title_and_draft_inside_execution(db, offline_llm, fake_script):
    prompt = services.render_prompt("chat/task_run", **example("chat/task_run"))

    result = services.chat(prompt, conversation=[{"role": "user", "content": "We approved the budget today"}])

    execution = tags.extract(result.text, tags.EXECUTION)
    assert tags.extract(result.text, tags.USER_LANGUAGE) == "en"
    assert tags.extract(execution, tags.TITLE) == "Prepare meeting minutes: We approved the budget today"
    assert tags.extract(execution, tags.DRAFT) == (
        "Here is a first version for prepare meeting minutes, based on what you told me:\n\n"
        "We approved the budget today\n\nTell me what to change."
    )


def test_instruct_uses_the_form_inputs_on_a_form_start(db, offline_llm, fake_script):
    prompt = services.render_prompt("chat/task_run", **example("chat/task_run"))

    result = services.chat(prompt, conversation=[])

    draft = tags.extract(result.text, tags.DRAFT)
    assert "Budget approved; next review in March." in draft


def test_home_chat_picks_the_task_the_user_names(db, offline_llm, fake_script):
    prompt = services.render_prompt("chat/home_chat_run", **example("chat/home_chat_run"))

    result = services.chat(prompt, conversation=[{"role": "user", "content": "Please write follow up email to Paul"}])

    assert result.text == "<user_language>en</user_language><task_pk>7</task_pk>"


def test_home_chat_answers_in_message_to_user_otherwise(db, offline_llm, fake_script):
    prompt = services.render_prompt("chat/home_chat_run", **example("chat/home_chat_run"))

    result = services.chat(prompt, conversation=[{"role": "user", "content": "How are you?"}])

    assert tags.extract(result.text, tags.TASK_PK) == "null"
    assert tags.extract(result.text, tags.MESSAGE_TO_USER) == "Happy to help. You said: How are you?"


def test_home_chat_with_a_running_task_behaves_as_instruct(db, offline_llm, fake_script):
    values = example("chat/home_chat_run") | {"running_task": {"task_pk": 3, "name_for_system": "prepare_minutes"}}

    result = services.chat(
        services.render_prompt("chat/home_chat_run", **values),
        conversation=[{"role": "user", "content": "notes: all good"}],
    )

    assert result.text.startswith("<task_pk>3</task_pk><user_language>en</user_language>")
    assert tags.extract(tags.extract(result.text, tags.EXECUTION), tags.TITLE) == "Prepare minutes: notes: all good"


@pytest.mark.parametrize(
    ("done", "conversation", "tag", "content"),
    [
        (False, [], "ask_for_clarification", "What would you like me to change in this step?"),
        (
            False,
            [{"role": "user", "content": "shorter lines"}],
            "user_instruction",
            "Redo the step taking this into account: shorter lines",
        ),
    ],
)
def test_workflow_chat(db, offline_llm, fake_script, done, conversation, tag, content):
    values = example("chat/workflow_run") | {"produced_text_done": done}

    result = services.chat(services.render_prompt("chat/workflow_run", **values), conversation=conversation)

    assert tags.extract(result.text, tag) == content


def test_workflow_chat_after_the_result_edits_it(db, offline_llm, fake_script):
    values = example("chat/workflow_run") | {"produced_text_done": True}

    result = services.chat(
        services.render_prompt("chat/workflow_run", **values), conversation=[{"role": "user", "content": "Add a rhyme"}]
    )

    assert tags.extract(result.text, tags.TITLE) == "Write poem: Add a rhyme"


def test_title_and_summary(db, offline_llm, fake_script):
    result = services.chat(
        services.render_prompt("executions/task_execution_summary", **example("executions/task_execution_summary"))
    )

    assert result.text == (
        "<title>Prepare meeting minutes</title><summary>You worked on prepare meeting minutes with Mojodex.</summary>"
    )


def test_todo_extraction_returns_json(db, offline_llm, fake_script):
    values = example("todos/extract_todos") | {"result": "Minutes\nTODO: send the quote to Paul"}

    data = services.chat_json(services.render_prompt("todos/extract_todos", **values), required_keys=["todos"])

    assert [(t["todo_definition"], t["mentioned_as_todo"]) for t in data["todos"]] == [
        ("send the quote to Paul", "yes")
    ]


@pytest.mark.parametrize(
    ("name", "draft"),
    [
        ("make_it_shorter", "One. Two."),
        ("more_creative", "Imagine this: One. Two. Three. Four."),
        ("formal_to_informal", "Hey! One. Two. Three. Four."),
        ("just_memo", "- One.\n- Two.\n- Three.\n- Four."),
    ],
)
def test_text_edit_actions(db, offline_llm, fake_script, name, draft):
    prompt = services.render_prompt(f"text_edit_actions/{name}", title="T", draft="One. Two. Three. Four.")

    result = services.chat(prompt, temperature=0.3, max_tokens=2000)

    assert result.text == f"<title>T</title><draft>{draft}</draft>"


def test_example_workflow_prompts(db, offline_llm, fake_script):
    stanzas = services.chat(
        services.render_prompt(
            "workflows/write_poem/determine_poem_stanza", **example("workflows/write_poem/determine_poem_stanza")
        )
    )
    search = services.chat(
        services.render_prompt(
            "workflows/web_research_synthesis/ask_for_another_search",
            **example("workflows/web_research_synthesis/ask_for_another_search"),
        )
    )
    first_search = services.chat(
        services.render_prompt(
            "workflows/web_research_synthesis/ask_for_another_search", research_subject="heat pumps", sources=[]
        )
    )

    assert stanzas.text == "the sea at dawn, part 1\nthe sea at dawn, part 2\nthe sea at dawn, part 3"
    assert search.text == "None"
    assert first_search.text == "heat pumps"


def test_a_plain_conversation_gets_an_echo(db, offline_llm, fake_script):
    assert services.chat([{"role": "user", "content": "ping"}]).text == "Fake answer: ping"
    assert services.chat("anything", json_format=True).text == "{}"


def test_scripted_replies_come_first_in_order(db, offline_llm, fake_script):
    fake_script("first", "<ask_user_primary_info>second</ask_user_primary_info>")

    assert services.chat("a").text == "first"
    assert services.chat("b").text == "<ask_user_primary_info>second</ask_user_primary_info>"
    assert services.chat("c").text == "Fake answer: c"


def test_the_callback_can_stop_the_fake(db, offline_llm, fake_script):
    fake_script("one two three four")

    result = services.chat("x", on_token=lambda token, text: text == "one two")

    assert result.text == "one two"
    assert result.stopped is True


def test_the_fake_streams_with_the_configured_delay(db, offline_llm, fake_script, settings):
    settings.LLM_FAKE_TOKEN_DELAY_MS = 20
    fake_script("a b c d e f")

    result = services.chat("x", on_token=lambda token, text: None)

    assert result.duration >= 0.1
    assert result.text == "a b c d e f"


def test_company_infos_json(db, offline_llm, fake_script):
    data = services.chat_json(
        services.render_prompt("accounts/correct_company_infos", **example("accounts/correct_company_infos")),
        required_keys=["name", "description", "emoji"],
    )

    assert data == {"name": "Acme", "description": "Acme installs solar panels. We also sell batteries.", "emoji": "☀️"}
    assert json.loads(json.dumps(data)) == data


def test_the_shared_fake_llm_fixture_queues_replies(fake_llm):
    fake_llm("<ask_user_primary_info>Which client?</ask_user_primary_info>")

    first = services.chat("Write the email")
    second = services.chat("Write the email")

    assert first.text == "<ask_user_primary_info>Which client?</ask_user_primary_info>"
    assert (first.provider, second.text) == ("fake", "Fake answer: Write the email")
