"""A task definition (PUT /task body, import_task files) is validated with errors naming the field."""

from __future__ import annotations

import pytest

from apps.catalog.services import InvalidTaskDefinition, validate_task_definition

pytestmark = pytest.mark.django_db


def errors_of(data) -> dict[str, str]:
    with pytest.raises(InvalidTaskDefinition) as error:
        validate_task_definition(data)
    return error.value.errors


def test_it_cleans_a_valid_instruct_definition(instruct_definition):
    cleaned = validate_task_definition(instruct_definition)

    assert cleaned["output_type"] == "email"
    assert cleaned["result_chat_enabled"] is True
    assert cleaned["visible_for_teasing"] is False
    assert cleaned["task_displayed_data"][0]["json_input"][0]["placeholder"] == "Paste it here"


def test_it_applies_the_step_defaults_and_tolerates_rank(workflow_definition):
    cleaned = validate_task_definition(workflow_definition)

    assert [(s["review_chat_enabled"], s["user_validation_required"]) for s in cleaned["steps"]] == [
        (False, True),
        (True, False),
    ]
    assert "rank" not in cleaned["steps"][0]


def test_it_names_a_missing_json_input_with_its_index(instruct_definition):
    del instruct_definition["task_displayed_data"][1]["json_input"]

    assert errors_of(instruct_definition) == {"task_displayed_data[1].json_input": "required"}


def test_it_names_a_bad_input_type(instruct_definition):
    instruct_definition["task_displayed_data"][0]["json_input"][0]["type"] = "slider"

    assert errors_of(instruct_definition) == {
        "task_displayed_data[0].json_input[0].type": '"slider" is not a valid choice.'
    }


def test_it_requires_the_instruct_fields_of_an_instruct_task(instruct_definition):
    del instruct_definition["final_instruction"]
    del instruct_definition["infos_to_extract"]

    assert errors_of(instruct_definition) == {
        "final_instruction": "required for an instruct task",
        "infos_to_extract": "required for an instruct task",
    }


def test_it_requires_steps_of_a_workflow(workflow_definition):
    del workflow_definition["steps"]

    assert errors_of(workflow_definition) == {"steps": "required for a workflow task"}


def test_it_refuses_unknown_top_level_keys(instruct_definition):
    instruct_definition["colour"] = "blue"

    assert errors_of(instruct_definition) == {"colour": "unknown field"}


def test_it_refuses_a_name_for_system_with_spaces_or_capitals(instruct_definition):
    instruct_definition["name_for_system"] = "Answer prospect"

    assert errors_of(instruct_definition) == {
        "name_for_system": "lower-case letters, digits, '_' and '-' only (e.g. answer_to_prospect)"
    }


def test_it_refuses_an_unknown_platform_naming_its_index(instruct_definition):
    instruct_definition["platforms"] = ["webapp", "chrome"]

    assert errors_of(instruct_definition) == {"platforms[1]": 'unknown platform "chrome"'}


def test_it_refuses_a_language_given_twice(instruct_definition):
    instruct_definition["task_displayed_data"][1]["language_code"] = "EN"

    assert errors_of(instruct_definition) == {"task_displayed_data[1].language_code": '"en" is given twice'}


def test_it_requires_possible_values_of_a_drop_down_list(instruct_definition):
    instruct_definition["task_displayed_data"][0]["json_input"][0]["type"] = "drop_down_list"

    assert errors_of(instruct_definition) == {
        "task_displayed_data[0].json_input[0].possible_values": "required for a drop_down_list input"
    }


def test_it_requires_a_target_of_each_predefined_action(instruct_definition):
    instruct_definition["predefined_actions"] = [{"displayed_data": [{"language_code": "en", "data": {"name": "x"}}]}]

    assert errors_of(instruct_definition) == {"predefined_actions[0].task_pk": "required (or task_name_for_system)"}


def test_it_requires_the_name_of_a_predefined_action(instruct_definition):
    instruct_definition["predefined_actions"] = [
        {"task_pk": 1, "displayed_data": [{"language_code": "en", "data": {"button_text": "Go"}}]}
    ]

    assert errors_of(instruct_definition) == {"predefined_actions[0].displayed_data[0].data.name": "required"}


def test_it_refuses_a_body_that_is_not_an_object():
    assert errors_of(["not", "an", "object"]) == {"body": "must be a JSON object"}


def test_it_checks_step_names_against_the_step_library(workflow_definition, monkeypatch):
    monkeypatch.setattr("apps.catalog.services.definitions.known_step_names", lambda: {"stanza_divider"})

    assert errors_of(workflow_definition) == {
        "steps[1].name_for_system": '"stanza_writer" is not in the workflow step library'
    }
