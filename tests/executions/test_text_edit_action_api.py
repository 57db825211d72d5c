"""POST /text_edit_action: a user applies an action to their own produced text (queued, streamed)."""

from __future__ import annotations

import pytest

from apps.catalog.models import TextEditAction, TextEditActionDisplayedData, TextEditActionTextTypeAssociation, TextType
from apps.chat.models import Generation, Message
from apps.executions import services as executions
from tests.conftest import client_for
from tests.factories import ExecutionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def version(owner):
    execution = ExecutionFactory(user_task__user=owner)
    return executions.save_produced_text_version(
        user_id=owner.pk, title="Minutes", production="Long text.", execution=execution
    )


@pytest.fixture
def action():
    action = TextEditAction.objects.create(emoji="✂️", prompt_file_name="make_it_shorter.mpt")
    TextEditActionDisplayedData.objects.create(
        text_edit_action=action, language_code="en", name="Make it shorter", description="Shorter"
    )
    TextEditActionTextTypeAssociation.objects.create(
        text_edit_action=action, text_type=TextType.objects.get_or_create(name="document")[0]
    )
    return action


def _post(client, version, action, **extra):
    body = {"produced_text_version_pk": version.pk, "text_edit_action_pk": action.pk, "platform": "webapp", **extra}
    return client.post("/text_edit_action", body, format="json")


def test_it_queues_the_action_and_stores_the_click_as_a_message(owner, version, action):
    response = _post(client_for(owner), version, action)
    assert response.status_code == 200, response.content
    message = Message.objects.get(session_id=version.produced_text.session_id, sender="user")
    assert response.json() == {"success": "ok", "message_pk": message.pk}
    assert message.message["text"] == "Make it shorter"
    generation = Generation.objects.get(user_message=message)
    assert (generation.kind, generation.produced_text_version_id, generation.text_edit_action_id) == (
        "text_edit",
        version.pk,
        action.pk,
    )


def test_it_answers_404_to_another_user_and_queues_nothing(version, action, member_client):
    response = _post(member_client, version, action)
    assert response.status_code == 404
    assert not Generation.objects.exists() and not Message.objects.exists()


def test_it_requires_a_token(version, action, anonymous):
    assert _post(anonymous, version, action).status_code == 401
    assert not Generation.objects.exists()


def test_it_rejects_an_action_linked_to_no_text_type(owner, version):
    lonely = TextEditAction.objects.create(emoji="?", prompt_file_name="more_creative.mpt")
    response = _post(client_for(owner), version, lonely)
    assert response.status_code == 400
    assert response.json() == {
        "error": "text_edit_action_pk: unknown action or linked to no text type",
        "fields": {"text_edit_action_pk": ["unknown action or linked to no text type"]},
    }
    assert not Generation.objects.exists()


def test_it_keeps_the_admin_create_for_admins_only(owner, admin_client):
    body = {
        "emoji": "🎨",
        "prompt_file_name": "more_creative.mpt",
        "displayed_data": [{"language_code": "en", "name": "More creative", "description": "Bolder"}],
    }
    assert client_for(owner).put("/text_edit_action", body, format="json").status_code == 403
    created = admin_client.put("/text_edit_action", body, format="json")
    assert created.status_code == 200, created.content
    assert TextEditAction.objects.filter(pk=created.json()["text_edit_action_pk"], emoji="🎨").exists()
