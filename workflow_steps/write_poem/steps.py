"""Steps of write_poem: ``stanza_divider`` (one item per stanza) and ``stanza_writer``."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from apps.llm import services as llm
from workflow_steps.base import PastStep, StepContext, StepError, WorkflowStep, required

_NUMBERING = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s*")


def stanza_topics(answer: str) -> list[str]:
    """The non-empty lines of the planner's answer, without list markers the model may add."""
    return [_NUMBERING.sub("", line).strip() for line in answer.splitlines() if _NUMBERING.sub("", line).strip()]


class StanzaDivider(WorkflowStep):
    """Plan the poem: one topic per stanza. Inputs ``poem_topic`` and ``n_stanzas``."""

    name = "stanza_divider"

    def run(
        self,
        parameter: dict[str, Any],
        past_validated_steps: Sequence[PastStep],
        initial_parameter: Mapping[str, Any],
        context: StepContext,
    ) -> list[dict[str, Any]]:
        topic = required(parameter, "poem_topic", "workflow inputs")
        n_stanzas = required(parameter, "n_stanzas", "workflow inputs")
        prompt = llm.render_prompt(
            "workflows/write_poem/determine_poem_stanza",
            poem_topic=topic,
            n_stanzas=n_stanzas,
            learned_instructions=context.instructions,
            past_validated_steps_results=[item for past in past_validated_steps for item in past.result],
        )
        topics = stanza_topics(context.llm_call(prompt, max_tokens=100))
        if not topics:
            raise StepError("the stanza plan came back empty")
        return [{"stanza_topic": line} for line in topics]


class StanzaWriter(WorkflowStep):
    """Write the stanza of one topic (the poem's topic comes from the workflow inputs)."""

    name = "stanza_writer"

    def run(
        self,
        parameter: dict[str, Any],
        past_validated_steps: Sequence[PastStep],
        initial_parameter: Mapping[str, Any],
        context: StepContext,
    ) -> list[dict[str, Any]]:
        prompt = llm.render_prompt(
            "workflows/write_poem/write_poem_stanza",
            poem_topic=initial_parameter.get("poem_topic") or "",
            stanza_topic=required(parameter, "stanza_topic", "step parameter"),
            learned_instructions=context.instructions,
        )
        return [{"stanza": context.llm_call(prompt, max_tokens=1000)}]
