"""Steps of doc_gen: ``transcribe_recording``, ``transcription_to_chapters``, ``chapters_to_doc``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.utils import timezone

from apps.core.user_files import safe_filename, session_dir
from apps.llm import services as llm
from workflow_steps.base import PastStep, StepContext, StepError, WorkflowStep, required

# Inputs that may hold the recording's file name, and the session folders uploads are stored in.
RECORDING_INPUTS = ("video_recording", "audio_recording", "recording")
RECORDING_FOLDERS = ("videos", "audio_files")


def recording_path(initial_parameter: Mapping[str, Any], context: StepContext) -> Path:
    """The uploaded recording named by the workflow inputs, in the session's folder of user files."""
    name = next((initial_parameter[key] for key in RECORDING_INPUTS if initial_parameter.get(key)), None)
    if not isinstance(name, str):
        raise StepError(f"no recording in the workflow inputs (expected one of {', '.join(RECORDING_INPUTS)})")
    folder = session_dir(context.user_id, context.session_id)
    for sub in RECORDING_FOLDERS:
        path = folder / sub / safe_filename(name)
        if path.is_file():
            return path
    raise StepError(f"the recording {name!r} was not found among the session's files")


def seconds(value: float) -> str:
    return f"{value:.1f}"


def user_datetime_context(context: StepContext) -> Any:
    """The user's local date and time (``timezone_offset``: minutes to subtract from UTC)."""
    now = timezone.now() - timedelta(minutes=context.timezone_offset)
    return llm.render_prompt(
        "common/user_datetime_context",
        weekday=now.strftime("%A"),
        date=now.strftime("%d %B %Y"),
        time=now.strftime("%H:%M"),
    )


class TranscribeRecording(WorkflowStep):
    """Speech to text with timestamps: one line ``"start --> end: text"`` per segment (seconds)."""

    name = "transcribe_recording"

    def run(
        self,
        parameter: dict[str, Any],
        past_validated_steps: Sequence[PastStep],
        initial_parameter: Mapping[str, Any],
        context: StepContext,
    ) -> list[dict[str, Any]]:
        try:
            transcription = llm.transcribe_detailed(
                recording_path(initial_parameter, context),
                user_id=context.user_id,
                execution_pk=context.user_task_execution_pk,
                task_name=context.task_name_for_system,
            )
        except llm.AudioRejected as exc:
            raise StepError(f"the recording cannot be transcribed: {exc}") from None
        segments = transcription.segments or [llm.Segment(0.0, transcription.duration or 0.0, transcription.text)]
        lines = [f"{seconds(s.start)} --> {seconds(s.end)}: {s.text.strip()}" for s in segments if s.text.strip()]
        if not lines:
            raise StepError("the recording contains no speech")
        return [{"transcription": "\n".join(lines)}]


class TranscriptionToChapters(WorkflowStep):
    """Cut the transcript into chapters, one line ``"start --> end: title"`` each."""

    name = "transcription_to_chapters"

    def run(
        self,
        parameter: dict[str, Any],
        past_validated_steps: Sequence[PastStep],
        initial_parameter: Mapping[str, Any],
        context: StepContext,
    ) -> list[dict[str, Any]]:
        prompt = llm.render_prompt(
            "workflows/doc_gen/extract_chapters_from_transcription",
            user_datetime_context=user_datetime_context(context),
            username=context.user_name,
            transcription=required(parameter, "transcription", "step parameter"),
            learned_instructions=context.instructions,
        )
        return [{"chapters": context.llm_call(prompt, max_tokens=2000)}]


class ChaptersToDoc(WorkflowStep):
    """Write the document chapter by chapter from the transcript (the first validated result)."""

    name = "chapters_to_doc"

    def run(
        self,
        parameter: dict[str, Any],
        past_validated_steps: Sequence[PastStep],
        initial_parameter: Mapping[str, Any],
        context: StepContext,
    ) -> list[dict[str, Any]]:
        first = past_validated_steps[0].result if past_validated_steps else []
        transcription = first[0].get("transcription") if first else None
        if not transcription:
            raise StepError("no transcription among the validated steps")
        prompt = llm.render_prompt(
            "workflows/doc_gen/chapters_to_doc",
            username=context.user_name,
            transcription=transcription,
            chapters=required(parameter, "chapters", "step parameter"),
            learned_instructions=context.instructions,
        )
        return [{"doc": context.llm_call(prompt, max_tokens=4000)}]
