"""The step library: registry names, the output contract, and the system check on stored steps."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from apps.catalog.models import WorkflowStep
from apps.workflows.checks import check_steps_resolve
from tests.workflows.conftest import poem_task
from workflow_steps import registry
from workflow_steps.base import StepContext, StepOutputError
from workflow_steps.base import WorkflowStep as StepBase


def test_it_registers_the_steps_of_the_three_example_workflows():
    assert registry.names() == [
        "chapters_to_doc",
        "search_sources",
        "stanza_divider",
        "stanza_writer",
        "transcribe_recording",
        "transcription_to_chapters",
        "write_synthesis_note",
    ]
    assert type(registry.get_step("stanza_writer")).__name__ == "StanzaWriter"
    with pytest.raises(registry.UnknownStep, match="'nope' is not in the step library"):
        registry.get_step("nope")


class _Returns(StepBase):
    name = "returns"

    def __init__(self, value):
        self.value = value

    def run(self, parameter, past_validated_steps, initial_parameter, context):
        return self.value


CONTEXT = StepContext(user_id="u", user_name="U", user_task_execution_pk=1, session_id="s", task_name_for_system="t")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"a": 1}, "step returns returned dict, not a list"),
        ([{"a": 1}, "b"], "step returns returned a str at [1], not a dict"),
    ],
)
def test_it_refuses_a_step_output_that_is_not_a_list_of_dicts(value, message):
    with pytest.raises(StepOutputError, match=message.replace("[", r"\[").replace("]", r"\]")):
        _Returns(value).execute({}, [], {}, CONTEXT)
    assert _Returns([{"a": 1}]).execute({}, [], {}, CONTEXT) == [{"a": 1}]


def test_the_base_class_is_not_implemented():
    with pytest.raises(NotImplementedError):
        StepBase().execute({}, [], {}, CONTEXT)


@pytest.mark.django_db
def test_it_reports_a_stored_step_missing_from_the_library():
    task = poem_task()
    assert check_steps_resolve(databases=["default"]) == []
    step = WorkflowStep.objects.create(task=task, name_for_system="stanza_translator", rank=3)

    errors = check_steps_resolve(databases=["default"])
    assert [(e.id, e.msg, e.obj) for e in errors] == [
        (
            "workflows.E001",
            f"Workflow step 'stanza_translator' (workflow_step_pk {step.pk}) of task 'write_poem' "
            "is not in the step library",
            f"md_workflow_step:{step.pk}",
        )
    ]
    assert check_steps_resolve(databases=None) == []  # not a database check run
    with pytest.raises(SystemCheckError, match=r"workflows\.E001"):
        call_command("check", databases=["default"])
