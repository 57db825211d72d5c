"""PUT/POST /company (website recorded, learning queued) and GET/PUT/DELETE /vocabulary."""

from __future__ import annotations

import pytest

from apps.accounts.models import Company, User, UserVocabulary
from apps.chat.models import Message, Sender, Session
from apps.executions.models import UserTaskExecution
from tests.factories import ExecutionFactory, SessionFactory

pytestmark = pytest.mark.django_db


def test_unit_sets_the_company_from_a_website_and_queues_its_learning(
    owner_client, owner, broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.put("/company", {"website_url": "  Acme.Example/ "}, format="json")

    assert response.status_code == 200
    company = Company.objects.get()
    assert response.json() == {
        "company_pk": company.pk,
        "company_emoji": None,
        "company_name": None,
        "company_description": None,
    }
    assert company.website == "https://acme.example"
    assert User.objects.get(pk=owner.pk).company_id == company.pk
    assert broker.run_bodies() == [("apps.accounts.tasks.learn_company_website", [owner.pk, company.pk], {})]
    learning = (company.__class__.objects.get(pk=company.pk).additional_info or {})["website_learning"]
    assert (learning["status"], learning["requested_by"]) == ("pending", owner.pk)


def test_it_reuses_the_company_of_a_known_website(owner_client, member_client, owner, member):
    owner_client.put("/company", {"website_url": "https://acme.example"}, format="json")

    member_client.put("/company", {"website_url": "acme.example/"}, format="json")

    assert Company.objects.count() == 1
    assert User.objects.get(pk=owner.pk).company_id == User.objects.get(pk=member.pk).company_id


@pytest.mark.parametrize("url", ["ftp://acme.example", "not a url", "https://", "javascript:alert(1)"])
def test_it_refuses_an_invalid_website(owner_client, owner, url):
    response = owner_client.put("/company", {"website_url": url}, format="json")

    assert response.status_code == 400
    assert response.json() == {"error": "website_url: invalid url"}
    assert Company.objects.count() == 0


def test_it_records_company_feedback_without_pretending_to_correct(owner_client, owner):
    owner_client.put("/company", {"website_url": "acme.example"}, format="json")

    response = owner_client.post("/company", {"feedback": "We sell boats, not cars", "correct": False}, format="json")

    assert response.status_code == 200
    assert response.json()["company_name"] is None
    feedback = (Company.objects.get().additional_info or {})["feedback"]
    assert [(f["user_id"], f["correct"], f["feedback"]) for f in feedback] == [
        (owner.pk, False, "We sell boats, not cars")
    ]


def test_it_answers_404_to_feedback_before_any_company(owner_client):
    response = owner_client.post("/company", {"feedback": "hello"}, format="json")

    assert response.status_code == 404
    assert response.json() == {"error": "company: the user has no company yet (PUT /company first)"}


def test_it_refuses_company_routes_to_anonymous(anonymous):
    assert anonymous.put("/company", {"website_url": "acme.example"}, format="json").status_code == 401
    assert anonymous.post("/company", {}, format="json").status_code == 401
    assert Company.objects.count() == 0


# --- vocabulary --------------------------------------------------------------------------------------


def test_it_lists_only_the_callers_words_newest_first(owner_client, owner, member):
    UserVocabulary.objects.create(user=owner, word="Mojodex")
    UserVocabulary.objects.create(user=owner, word="Hoomano")
    UserVocabulary.objects.create(user=member, word="Secret")

    response = owner_client.get("/vocabulary", {"n_words": 10})

    assert [w["word"] for w in response.json()["vocabulary"]] == ["Hoomano", "Mojodex"]


def test_it_corrects_a_spelling_across_the_session_and_remembers_it(owner_client, owner):
    execution = ExecutionFactory(user_task__user=owner)
    session = execution.session
    Session.objects.filter(pk=session.pk).update(title="Call with Jon")
    UserTaskExecution.objects.filter(pk=execution.pk).update(title="Jon call", summary="Jon wants a quote")
    Message.objects.create(session=session, sender=Sender.USER, message={"text": "Send it to Jon"})

    response = owner_client.put(
        "/vocabulary",
        {"session_id": session.pk, "initial_spelling": "Jon", "corrected_spelling": "John"},
        format="json",
    )

    assert response.status_code == 200 and response.json() == {}
    assert Message.objects.get().message == {"text": "Send it to John"}
    assert Session.objects.get(pk=session.pk).title == "Call with John"
    execution.refresh_from_db()
    assert (execution.title, execution.summary) == ("John call", "John wants a quote")
    assert list(UserVocabulary.objects.values_list("user_id", "word")) == [(owner.pk, "John")]


def test_it_refuses_to_correct_another_users_session_and_changes_nothing(member_client, owner):
    session = SessionFactory(user=owner)
    Message.objects.create(session=session, sender=Sender.USER, message={"text": "Jon"})

    response = member_client.put(
        "/vocabulary", {"session_id": session.pk, "initial_spelling": "Jon", "corrected_spelling": "X"}, format="json"
    )

    assert response.status_code == 404
    assert response.json() == {"error": "session_id: not found"}
    assert Message.objects.get().message == {"text": "Jon"}
    assert UserVocabulary.objects.count() == 0


def test_it_deletes_only_the_callers_word(owner_client, member_client, owner):
    word = UserVocabulary.objects.create(user=owner, word="Mojodex")

    denied = member_client.delete(f"/vocabulary?user_vocabulary_pk={word.pk}")
    assert denied.status_code == 404
    assert UserVocabulary.objects.filter(pk=word.pk).exists()

    response = owner_client.delete(f"/vocabulary?user_vocabulary_pk={word.pk}")
    assert response.json() == {"user_vocabulary_pk": word.pk}
    assert not UserVocabulary.objects.exists()


def test_it_names_a_missing_vocabulary_parameter(owner_client):
    response = owner_client.delete("/vocabulary")

    assert response.status_code == 400
    assert response.json()["error"] == "user_vocabulary_pk: This field is required."


def test_it_refuses_vocabulary_to_anonymous(anonymous, owner):
    word = UserVocabulary.objects.create(user=owner, word="Mojodex")

    assert anonymous.get("/vocabulary").status_code == 401
    assert anonymous.delete(f"/vocabulary?user_vocabulary_pk={word.pk}").status_code == 401
    assert UserVocabulary.objects.count() == 1


def test_unit_queues_proper_noun_tagging_of_the_callers_message(
    owner_client, member_client, owner, broker, django_capture_on_commit_callbacks, monkeypatch
):
    from apps.chat import services as chat

    tagged: list[int] = []
    monkeypatch.setattr(chat, "tag_proper_nouns", lambda pk: tagged.append(pk))
    session = SessionFactory(user=owner)
    message = Message.objects.create(session=session, sender=Sender.USER, message={"text": "met jean"})
    silent = Message.objects.create(session=session, sender=Sender.USER, message={"message_id": "m"})

    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post("/vocabulary", {"message_pk": message.pk}, format="json")
        other = member_client.post("/vocabulary", {"message_pk": message.pk}, format="json")
        empty = owner_client.post("/vocabulary", {"message_pk": silent.pk}, format="json")

    assert response.json() == {"message_pk": message.pk, "status": "processing"}
    assert (other.status_code, other.json()) == (404, {"error": "message_pk: not found"})
    assert (empty.status_code, empty.json()) == (404, {"error": "message_pk: this message has no text"})
    assert broker.run_bodies() == [("apps.chat.tasks.tag_proper_nouns", [message.pk], {})]
    assert tagged == [message.pk]
