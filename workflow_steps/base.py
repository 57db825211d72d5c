"""The contract of a workflow step: Python code named by ``md_workflow_step.name_for_system``.

A step receives the item it works on (``parameter``: the workflow's inputs for the first step, one
item of the previous step's result list otherwise), the results of the steps already validated and
the workflow's inputs, and returns a list of dicts. Returning N items makes the next step run once
per item (the fan-out). The engine (``apps.workflows``) decides what runs when; a step only
computes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from apps.llm import services as llm


class StepError(Exception):
    """A step cannot do its work; the message is shown to the user as the step's error."""


class StepOutputError(StepError):
    """A step returned something other than a list of dicts."""


@dataclass(frozen=True)
class PastStep:
    """A step execution validated earlier in this workflow execution (oldest first)."""

    step_name: str
    parameter: dict[str, Any]
    result: list[dict[str, Any]]
    instruction: str | None = None


@dataclass(frozen=True)
class LearnedInstruction:
    """What the user asked when rejecting an earlier run of this step on the same parameter."""

    instruction: str
    result: list[dict[str, Any]] | None = None


@dataclass(frozen=True)
class StepContext:
    """Who and what the step runs for (for LLM cost records and user files)."""

    user_id: str
    user_name: str
    user_task_execution_pk: int
    session_id: str
    task_name_for_system: str
    language: str = "en"
    timezone_offset: int = 0
    learned_instructions: Sequence[LearnedInstruction] = field(default_factory=tuple)

    @property
    def instructions(self) -> list[str]:
        """The user's instructions for this step, oldest first (what the prompts list)."""
        return [item.instruction for item in self.learned_instructions if item.instruction]

    def llm_call(self, prompt: llm.MPT, *, max_tokens: int, temperature: float = 0.0) -> str:
        """Run one prompt for this step and return the stripped answer."""
        result = llm.chat(
            prompt,
            user_id=self.user_id,
            task_name=self.task_name_for_system,
            execution_pk=self.user_task_execution_pk,
            temperature=temperature,
            max_tokens=max_tokens,
        )
        return result.text.strip()


class WorkflowStep:
    """Base class of the step library; subclasses set ``name`` and implement ``run``."""

    name: ClassVar[str] = ""

    def run(
        self,
        parameter: dict[str, Any],
        past_validated_steps: Sequence[PastStep],
        initial_parameter: Mapping[str, Any],
        context: StepContext,
    ) -> list[dict[str, Any]]:
        raise NotImplementedError(f"step {self.name or type(self).__name__} is not implemented")

    def execute(
        self,
        parameter: dict[str, Any],
        past_validated_steps: Sequence[PastStep],
        initial_parameter: Mapping[str, Any],
        context: StepContext,
    ) -> list[dict[str, Any]]:
        """Run the step and check its output: a list whose items are JSON objects."""
        output = self.run(parameter, past_validated_steps, initial_parameter, context)
        if not isinstance(output, list):
            raise StepOutputError(f"step {self.name} returned {type(output).__name__}, not a list")
        for index, item in enumerate(output):
            if not isinstance(item, dict):
                raise StepOutputError(f"step {self.name} returned a {type(item).__name__} at [{index}], not a dict")
        return output


def required(mapping: Mapping[str, Any], key: str, where: str) -> Any:
    """``mapping[key]``, or a ``StepError`` naming what is missing."""
    value = mapping.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise StepError(f"missing {key} in the {where}")
    return value
