"""The step library: ``md_workflow_step.name_for_system`` → the class that runs it.

Names follow the original's three example workflows. A workflow whose steps name something
absent from ``STEPS`` is refused at import (``apps.catalog``) and reported by the system check
``workflows.E001`` when it is already in the database.
"""

from __future__ import annotations

from workflow_steps.base import WorkflowStep
from workflow_steps.doc_gen.steps import ChaptersToDoc, TranscribeRecording, TranscriptionToChapters
from workflow_steps.web_research_synthesis.steps import SearchSources, WriteSynthesisNote
from workflow_steps.write_poem.steps import StanzaDivider, StanzaWriter

STEPS: dict[str, type[WorkflowStep]] = {
    step.name: step
    for step in (
        StanzaDivider,
        StanzaWriter,
        TranscribeRecording,
        TranscriptionToChapters,
        ChaptersToDoc,
        SearchSources,
        WriteSynthesisNote,
    )
}


class UnknownStep(LookupError):
    """No class of the step library has this name."""


def get_step(name: str) -> WorkflowStep:
    """A new instance of the step class registered under ``name``."""
    try:
        return STEPS[name]()
    except KeyError:
        raise UnknownStep(f"workflow step {name!r} is not in the step library") from None


def names() -> list[str]:
    return sorted(STEPS)
