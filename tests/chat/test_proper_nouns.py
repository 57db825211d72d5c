"""POST /vocabulary's work: proper nouns of a message starred by the LLM on a worker, told to the session."""

from __future__ import annotations

import pytest

from apps.accounts.models import UserVocabulary
from apps.chat import services
from apps.chat.models import Message, Sender, SessionEvent
from apps.core.errors import Missing
from apps.llm import fake

pytestmark = pytest.mark.django_db


def test_it_stars_proper_nouns_and_sends_the_tagged_text(execution, owner):
    UserVocabulary.objects.create(user=owner, word="Hoomano")
    message = Message.objects.create(
        session=execution.session, sender=Sender.USER, message={"text": "I met jean at hoomano"}
    )
    fake.clear_script()
    fake.script_replies("I met *Jean* at *Hoomano*")

    assert services.tag_proper_nouns(message.pk) == "I met *Jean* at *Hoomano*"
    fake.clear_script()

    message.refresh_from_db()
    assert message.message["text"] == "I met *Jean* at *Hoomano*"
    event = SessionEvent.objects.get(session_id=execution.session_id, event="proper_nouns_tagged")
    assert event.data == {
        "message_pk": message.pk,
        "tagged_text": "I met *Jean* at *Hoomano*",
        "session_id": execution.session_id,
    }


def test_it_only_queues_for_the_owner_of_a_message_with_text(
    execution, owner, member, django_capture_on_commit_callbacks
):
    message = Message.objects.create(session=execution.session, sender=Sender.USER, message={"text": "hi acme"})
    silent = Message.objects.create(session=execution.session, sender=Sender.USER, message={"message_id": "x"})
    with pytest.raises(Missing, match=r"^message_pk: not found$"):
        services.request_proper_noun_tagging(member, message.pk)
    with pytest.raises(services.NothingToTag):
        services.request_proper_noun_tagging(owner, silent.pk)
    with django_capture_on_commit_callbacks() as callbacks:
        services.request_proper_noun_tagging(owner, message.pk)
    assert len(callbacks) == 1
