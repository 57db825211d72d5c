"""/produced_text: read (one, paged list), save a version or a new text, soft delete."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from apps.catalog.models import TextType
from apps.executions import services
from apps.executions.models import ProducedText, ProducedTextVersion
from tests.conftest import client_for
from tests.factories import ExecutionFactory, SessionFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def _text(user, title, production, *, at, text_type=None, **links):
    version = services.save_produced_text_version(
        user_id=user.pk, title=title, production=production, text_type_id=text_type, **links
    )
    ProducedTextVersion.objects.filter(pk=version.pk).update(creation_date=at)
    version.refresh_from_db()
    return version


def _json(version):
    return {
        "produced_text_pk": version.produced_text_id,
        "user_task_execution_fk": version.produced_text.user_task_execution_id,
        "user_id": version.produced_text.user_id,
        "production": version.production,
        "title": version.title,
        "creation_date": version.creation_date.isoformat(),
        "text_type": version.text_type.name if version.text_type_id else None,
    }


@pytest.fixture
def texts(owner):
    """Three texts of the member; the oldest text got the newest version."""
    email = TextType.objects.get(name="email").pk
    old = _text(owner, "Old", "v1", at=T0, text_type=email)
    old_latest = _text(owner, "Old", "v2", at=T0 + timedelta(hours=3), produced_text=old.produced_text)
    middle = _text(owner, "Middle", "m", at=T0 + timedelta(hours=1))
    execution = ExecutionFactory(user_task__user=owner)
    recent = _text(owner, "Recent", "r", at=T0 + timedelta(hours=2), execution=execution)
    return {"old": old_latest, "middle": middle, "recent": recent}


def test_it_returns_one_text_as_its_latest_version(texts, owner):
    response = client_for(owner).get(
        "/produced_text", {"datetime": "x", "produced_text_pk": texts["old"].produced_text_id}
    )
    assert response.status_code == 200
    assert response.json() == _json(texts["old"])
    assert response.json()["text_type"] == "email"  # copied from the previous version


def test_it_lists_texts_newest_version_first_and_pages(texts, owner):
    client = client_for(owner)
    everything = client.get("/produced_text").json()
    assert everything == {"produced_texts": [_json(texts[k]) for k in ("old", "recent", "middle")]}
    page = client.get("/produced_text", {"n_produced_texts": 1, "offset": 1}).json()
    assert page == {"produced_texts": [_json(texts["recent"])]}


def test_it_hides_deleted_texts(texts, owner):
    ProducedText.objects.filter(pk=texts["middle"].produced_text_id).update(deleted_by_user=T0)
    client = client_for(owner)
    listed = client.get("/produced_text").json()["produced_texts"]
    assert [t["produced_text_pk"] for t in listed] == [texts["old"].produced_text_id, texts["recent"].produced_text_id]
    assert client.get("/produced_text", {"produced_text_pk": texts["middle"].produced_text_id}).status_code == 404


def test_it_saves_a_new_text_in_a_session(owner):
    session = SessionFactory(user=owner)
    response = client_for(owner).post(
        "/produced_text",
        {"datetime": "x", "production": "Dear team,", "title": "Hello", "session_id": session.pk},
        format="json",
    )
    assert response.status_code == 200
    text = ProducedText.objects.get(user=owner)
    version = text.versions.get()
    assert response.json() == {"produced_text_pk": text.pk, "produced_text_version_pk": version.pk}
    assert (text.session_id, text.user_task_execution_id) == (session.pk, None)
    assert (version.title, version.production, version.text_type_id) == ("Hello", "Dear team,", None)


def test_it_saves_a_version_of_an_existing_text(texts, owner):
    pk = texts["old"].produced_text_id
    response = client_for(owner).post(
        "/produced_text", {"produced_text_pk": pk, "production": "v3", "title": "Old"}, format="json"
    )
    assert response.status_code == 200
    latest = ProducedTextVersion.objects.filter(produced_text_id=pk).latest("id")
    assert response.json() == {"produced_text_pk": pk, "produced_text_version_pk": latest.pk}
    assert latest.text_type is not None
    assert (latest.production, latest.text_type.name) == ("v3", "email")
    assert ProducedTextVersion.objects.filter(produced_text_id=pk).count() == 3


def test_it_saves_an_executions_text_as_one_text_with_versions(owner):
    execution = ExecutionFactory(user_task__user=owner)
    client = client_for(owner)
    first = client.post(
        "/produced_text", {"user_task_execution_pk": execution.pk, "production": "one"}, format="json"
    ).json()
    second = client.post(
        "/produced_text", {"user_task_execution_pk": execution.pk, "production": "two"}, format="json"
    ).json()
    assert first["produced_text_pk"] == second["produced_text_pk"]
    text = ProducedText.objects.get(pk=first["produced_text_pk"])
    assert (text.user_task_execution_id, text.session_id) == (execution.pk, execution.session_id)
    assert list(text.versions.values_list("production", "text_type__name")) == [
        ("one", "document"),
        ("two", "document"),
    ]


def test_it_answers_400_without_a_production(owner):
    response = client_for(owner).post("/produced_text", {"title": "No body"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"] == "production: This field is required."
    assert not ProducedText.objects.exists()


@pytest.mark.parametrize("field", ["produced_text_pk", "user_task_execution_pk", "session_id"])
def test_it_refuses_to_save_into_another_users_objects(texts, owner, member, field):
    foreign = {
        "produced_text_pk": lambda: _text(member, "B", "b", at=T0).produced_text_id,
        "user_task_execution_pk": lambda: ExecutionFactory(user_task__user=member).pk,
        "session_id": lambda: SessionFactory(user=member).pk,
    }[field]()
    before = ProducedTextVersion.objects.count()
    response = client_for(owner).post("/produced_text", {field: foreign, "production": "x"}, format="json")
    assert response.status_code == 404
    assert response.json() == {"error": f"{field}: not found"}
    assert ProducedTextVersion.objects.count() == before


def test_it_deletes_softly(texts, owner):
    pk = texts["middle"].produced_text_id
    response = client_for(owner).delete(f"/produced_text?produced_text_pk={pk}&datetime=x")
    assert response.status_code == 200
    assert response.json() == {"produced_text_pk": pk}
    assert ProducedText.objects.get(pk=pk).deleted_by_user is not None
    assert client_for(owner).delete(f"/produced_text?produced_text_pk={pk}").status_code == 404


def test_it_hides_texts_from_other_users_and_anonymous(texts, member_client, anonymous):
    pk = texts["middle"].produced_text_id
    assert member_client.get("/produced_text", {"produced_text_pk": pk}).status_code == 404
    assert member_client.get("/produced_text").json() == {"produced_texts": []}
    assert member_client.delete(f"/produced_text?produced_text_pk={pk}").status_code == 404
    assert anonymous.get("/produced_text").status_code == 401
    assert anonymous.delete(f"/produced_text?produced_text_pk={pk}").status_code == 401
    assert anonymous.post("/produced_text", {"production": "x"}, format="json").status_code == 401
    assert ProducedText.objects.get(pk=pk).deleted_by_user is None


def test_it_treats_an_admin_as_a_normal_user(texts, admin, admin_client):
    own = _text(admin, "Admin", "a", at=T0)
    assert admin_client.get("/produced_text").json() == {"produced_texts": [_json(own)]}
    saved = admin_client.post(
        "/produced_text", {"produced_text_pk": own.produced_text_id, "production": "b"}, format="json"
    )
    assert saved.status_code == 200
    denied = admin_client.post(
        "/produced_text", {"produced_text_pk": texts["old"].produced_text_id, "production": "b"}, format="json"
    )
    assert denied.status_code == 404
