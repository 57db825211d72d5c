"""doc_gen: an uploaded recording → timestamped transcription → chapters (validated) → document,
with the real OpenAI client against the fake OpenAI-compatible server (STT and chat)."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.executions.models import ProducedTextVersion
from apps.workflows import services
from apps.workflows.models import UserWorkflowStepExecution
from bench.fake_openai_server import ScriptedReply
from tests.audio_samples import encode
from tests.conftest import client_for
from tests.workflows.conftest import make_workflow, new_execution, run_pending, step_rows

pytestmark = pytest.mark.django_db

INPUTS = [
    {
        "input_name": "video_recording",
        "description_for_user": "Your recording",
        "description_for_system": "The recording to document",
        "type": "video",
    }
]
STEPS = [("transcribe_recording", False), ("transcription_to_chapters", True), ("chapters_to_doc", False)]
CHAPTERS = "0.0 --> 12.5: Introduction\n12.5 --> 40.0: Settings"
DOC = "## Introduction\n\nThe dashboard.\n\n## Settings\n\nOpen the settings page."


@pytest.fixture
def doc_gen_task(db):
    return make_workflow("generate_documentation_from_video", STEPS, INPUTS, output_type="document")


def _run_with_upload(owner, execution, name="tour.mp4", content=None):
    return client_for(owner).post(
        "/user_task_execution_run",
        {
            "user_task_execution_pk": execution.pk,
            "inputs": json.dumps([{"input_name": "video_recording", "input_value": name}]),
            "video_recording": SimpleUploadedFile(name, content or encode(1, "mp4", "aac"), content_type="video/mp4"),
        },
        format="multipart",
    )


def test_it_documents_a_recording_from_transcription_to_document(owner, doc_gen_task, fake_openai, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    fake_openai.script(
        ScriptedReply(
            endpoint="transcriptions",
            duration=40.0,
            segments=[
                {"id": 0, "start": 0.0, "end": 12.5, "text": " Welcome to the dashboard."},
                {"id": 1, "start": 12.5, "end": 40.0, "text": " Open the settings page."},
            ],
        ),
        ScriptedReply(endpoint="chat", text=CHAPTERS),
        ScriptedReply(endpoint="chat", text=DOC),
    )
    execution = new_execution(owner, doc_gen_task)
    assert _run_with_upload(owner, execution).status_code == 200
    assert (tmp_path / "users" / owner.pk / execution.session_id / "videos" / "tour.mp4").is_file()

    run_pending(execution)
    assert step_rows(execution) == [
        ("transcribe_recording", 0, "done", None),
        ("transcription_to_chapters", 0, "done", None),
    ]
    transcribe, chapters = UserWorkflowStepExecution.objects.order_by("id")
    transcription = "0.0 --> 12.5: Welcome to the dashboard.\n12.5 --> 40.0: Open the settings page."
    assert transcribe.results.get().result == [{"transcription": transcription}]
    assert chapters.parameter == {"transcription": transcription}
    assert chapters.results.get().result == [{"chapters": CHAPTERS}]

    services.validate(chapters)
    run_pending(execution)
    doc_step = UserWorkflowStepExecution.objects.latest("id")
    assert (doc_step.parameter, doc_step.results.get().result) == ({"chapters": CHAPTERS}, [{"doc": DOC}])
    assert ProducedTextVersion.objects.get().production == DOC

    transcriptions = fake_openai.requests_for("transcriptions")
    assert [request.files["file"][0] for request in transcriptions] == ["tour.mp4"]
    chats = fake_openai.requests_for("chat")
    assert len(chats) == 2
    doc_prompt = chats[1].json["messages"][0]["content"]
    assert transcription in doc_prompt and CHAPTERS in doc_prompt


def test_it_fails_the_first_step_clearly_when_the_recording_is_missing(owner, doc_gen_task, settings, tmp_path):
    from apps.assistants import runs

    settings.DATA_DIR = tmp_path
    execution = new_execution(owner, doc_gen_task)
    runs.run_from_form(execution, [{"input_name": "video_recording", "input_value": "gone.mp4"}])
    run_pending(execution)
    step = UserWorkflowStepExecution.objects.get()
    assert step.error_status is not None
    assert step.error_status["error"] == "the recording 'gone.mp4' was not found among the session's files"


def test_it_fails_the_first_step_clearly_when_the_recording_is_not_audio(
    owner, doc_gen_task, fake_openai, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    execution = new_execution(owner, doc_gen_task)
    assert _run_with_upload(owner, execution, content=b"\x00\x00\x00\x18ftypmp42" * 10).status_code == 200

    run_pending(execution)

    step = UserWorkflowStepExecution.objects.get()
    assert step.error_status is not None
    assert step.error_status["error"] == (
        "the recording cannot be transcribed: the file's content is not audio that can be decoded"
    )
    assert fake_openai.requests_for("transcriptions") == []
