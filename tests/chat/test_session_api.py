"""/session: open a free chat (terms required), list chats with messages, soft delete."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from apps.accounts.models import Company
from apps.chat.models import Session
from tests.conftest import client_for
from tests.factories import MessageFactory, SessionFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def test_it_opens_a_chat_session_in_the_users_language(owner):
    owner.language_code = "fr"
    owner.save(update_fields=["language_code"])
    response = client_for(owner).put("/session", {"datetime": "x", "platform": "mobile"}, format="json")
    assert response.status_code == 200
    session = Session.objects.get(user=owner)
    assert response.json() == {"session_id": session.pk, "intro_done": False}
    assert (session.starting_mode, session.platform, session.language) == ("chat", "mobile", "fr")


def test_it_says_the_intro_is_done_once_the_company_is_known(owner):
    owner.company = Company.objects.create(name="Hoomano")
    owner.save(update_fields=["company"])
    response = client_for(owner).put("/session", {"platform": "webapp"}, format="json")
    assert response.json()["intro_done"] is True


def test_it_answers_401_until_the_terms_are_accepted(stranger, stranger_client):
    response = stranger_client.put("/session", {"platform": "webapp"}, format="json")
    assert response.status_code == 401
    assert response.json() == {"error": "Terms and conditions not accepted"}
    assert not Session.objects.exists()


@pytest.mark.parametrize(
    ("body", "error"),
    [({}, "platform: This field is required."), ({"platform": "fax"}, 'platform: "fax" is not a valid choice.')],
)
def test_it_answers_400_to_a_bad_platform(owner, body, error):
    response = client_for(owner).put("/session", body, format="json")
    assert response.status_code == 400
    assert response.json()["error"] == error


@pytest.fixture
def chats(owner):
    """Two chats with messages (older, newer), plus sessions that are never listed."""
    older = SessionFactory(user=owner, starting_mode="chat", creation_date=T0, title="Older")
    newer = SessionFactory(user=owner, starting_mode="chat", creation_date=T0 + timedelta(hours=1), title=None)
    for session in (older, newer):
        MessageFactory(session=session)
    SessionFactory(user=owner, starting_mode="chat")  # no message
    MessageFactory(session=SessionFactory(user=owner, starting_mode="form"))  # a task's session
    MessageFactory(session=SessionFactory(user=owner, starting_mode="chat", deleted_by_user=True))
    return older, newer


def test_it_lists_chats_with_messages_newest_first(chats, owner):
    older, newer = chats
    response = client_for(owner).get("/session", {"datetime": "x"})
    assert response.status_code == 200
    assert response.json() == {
        "sessions": [{"title": None, "session_id": newer.pk}, {"title": "Older", "session_id": older.pk}]
    }
    page = client_for(owner).get("/session", {"n_sessions": 1, "offset": 1}).json()
    assert page == {"sessions": [{"title": "Older", "session_id": older.pk}]}


def test_it_deletes_a_session_softly(chats, owner):
    older, _ = chats
    response = client_for(owner).delete(f"/session?session_id={older.pk}&datetime=x")
    assert response.status_code == 200
    assert response.json() == {"session_id": older.pk}
    assert Session.objects.get(pk=older.pk).deleted_by_user is True
    assert [s["session_id"] for s in client_for(owner).get("/session").json()["sessions"]] == [chats[1].pk]
    assert client_for(owner).delete(f"/session?session_id={older.pk}").status_code == 404


def test_it_keeps_other_users_sessions_out_of_reach(chats, member_client):
    older, _ = chats
    assert member_client.get("/session").json() == {"sessions": []}
    response = member_client.delete(f"/session?session_id={older.pk}")
    assert response.status_code == 404
    assert response.json() == {"error": "session_id: not found"}
    assert Session.objects.get(pk=older.pk).deleted_by_user is False


def test_it_answers_401_to_anonymous(chats, anonymous):
    older, _ = chats
    assert anonymous.put("/session", {"platform": "webapp"}, format="json").status_code == 401
    assert anonymous.get("/session").status_code == 401
    assert anonymous.delete(f"/session?session_id={older.pk}").status_code == 401
    assert Session.objects.get(pk=older.pk).deleted_by_user is False


def test_it_treats_an_admin_as_a_normal_user(chats, admin_client):
    created = admin_client.put("/session", {"platform": "webapp"}, format="json").json()
    MessageFactory(session=Session.objects.get(pk=created["session_id"]))
    assert admin_client.get("/session").json() == {"sessions": [{"title": None, "session_id": created["session_id"]}]}
    assert admin_client.delete(f"/session?session_id={chats[0].pk}").status_code == 404
    assert admin_client.delete(f"/session?session_id={created['session_id']}").status_code == 200
