"""Voice messages are transcribed by the worker with the user's vocabulary; text-edit actions add a
version of the same produced text."""

from __future__ import annotations

import pytest

from apps.accounts.models import UserVocabulary
from apps.assistants import messages
from apps.assistants.generation import run_generation
from apps.catalog.models import TextEditAction, TextEditActionDisplayedData, TextEditActionTextTypeAssociation, TextType
from apps.chat.models import Generation, Message
from apps.core.user_files import session_dir
from apps.executions import services as executions
from apps.executions.models import ProducedTextVersion
from apps.llm import fake
from tests.audio_samples import make_wav

pytestmark = pytest.mark.django_db


def test_it_transcribes_a_voice_message_with_the_vocabulary_before_answering(
    execution, owner, fake_openai, settings, tmp_path
):
    from bench.fake_openai_server import ScriptedReply

    settings.DATA_DIR = tmp_path
    UserVocabulary.objects.create(user=owner, word="Hoomano")
    folder = session_dir(owner.pk, execution.session_id) / "user_messages_audios"
    folder.mkdir(parents=True)
    (folder / "v1.wav").write_bytes(make_wav(2))
    fake_openai.script(
        ScriptedReply(endpoint="transcriptions", text="Write the minutes of the Hoomano meeting"),
        ScriptedReply(endpoint="chat", text="<execution><title>Minutes</title><draft>Hoomano met.</draft></execution>"),
    )
    posted = messages.post_user_message(
        owner, execution.session, message_id="v1", audio_file="v1.wav", user_task_execution_pk=execution.pk
    )

    run_generation(posted.message.generation.pk)

    message = Message.objects.get(pk=posted.message.pk)
    assert message.message["text"] == "Write the minutes of the Hoomano meeting"
    transcription = fake_openai.requests_for("transcriptions")[0]
    assert "Hoomano" in transcription.form["prompt"]
    assert Generation.objects.get(pk=posted.message.generation.pk).status == "done"
    chat_request = fake_openai.requests_for("chat")[0]
    assert chat_request.json["messages"][-1] == {"role": "user", "content": "Write the minutes of the Hoomano meeting"}


def test_a_failed_voice_message_loses_its_file(
    execution, owner, fake_openai, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.DATA_DIR = tmp_path
    folder = session_dir(owner.pk, execution.session_id) / "user_messages_audios"
    folder.mkdir(parents=True)
    (folder / "v2_0123456789ab.wav").write_bytes(b"RIFF but no audio at all")
    posted = messages.post_user_message(
        owner, execution.session, message_id="v2", audio_file="v2_0123456789ab.wav", user_task_execution_pk=execution.pk
    )

    with django_capture_on_commit_callbacks(execute=True):
        run_generation(posted.message.generation.pk)

    assert Generation.objects.get(pk=posted.message.generation.pk).status == "failed"
    assert Message.objects.get(pk=posted.message.pk).in_error_state is not None
    assert list(folder.iterdir()) == []
    assert fake_openai.requests_for("transcriptions") == []


@pytest.fixture
def shorter_action():
    action = TextEditAction.objects.create(emoji="✂️", prompt_file_name="make_it_shorter.mpt")
    TextEditActionDisplayedData.objects.create(
        text_edit_action=action, language_code="en", name="Make it shorter", description="Shorter text"
    )
    TextEditActionTextTypeAssociation.objects.create(
        text_edit_action=action, text_type=TextType.objects.get_or_create(name="document")[0]
    )
    return action


def test_it_applies_a_text_edit_action_as_a_new_version(execution, owner, shorter_action):
    version = executions.save_produced_text_version(
        user_id=owner.pk, title="Minutes", production="A long text about the budget.", execution=execution
    )
    fake.clear_script()
    fake.script_replies("<title>Minutes</title><draft>Budget: approved.</draft>")
    message = messages.start_text_edit(
        owner,
        produced_text_version_pk=version.pk,
        text_edit_action_pk=shorter_action.pk,
        platform="webapp",
        message_pk=None,
    )
    assert message.message["text"] == "Make it shorter"
    run_generation(message.generation.pk)
    fake.clear_script()

    latest = ProducedTextVersion.objects.filter(produced_text=version.produced_text).latest("id")
    assert (latest.title, latest.production, latest.text_type_id) == (
        "Minutes",
        "Budget: approved.",
        version.text_type_id,
    )
    result = Generation.objects.get(pk=message.generation.pk).result_message
    assert result is not None
    assert result.event_name == "draft_message"
    assert result.message["produced_text_version_pk"] == latest.pk
    # a retry with the same message_pk starts nothing new
    again = messages.start_text_edit(
        owner,
        produced_text_version_pk=version.pk,
        text_edit_action_pk=shorter_action.pk,
        platform="webapp",
        message_pk=message.pk,
    )
    assert again.pk == message.pk
    assert Generation.objects.filter(kind="text_edit").count() == 1


def test_it_refuses_a_text_edit_on_another_users_text(execution, owner, shorter_action, member):
    version = executions.save_produced_text_version(user_id=owner.pk, title="T", production="P", execution=execution)
    with pytest.raises(ProducedTextVersion.DoesNotExist):
        messages.start_text_edit(
            member,
            produced_text_version_pk=version.pk,
            text_edit_action_pk=shorter_action.pk,
            platform="webapp",
            message_pk=None,
        )
    assert not Generation.objects.exists()
