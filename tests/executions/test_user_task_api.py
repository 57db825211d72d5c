"""GET /user_task: the user's enabled tasks on a platform, then teasing tasks; one task by pk."""

from __future__ import annotations

import pytest

from apps.catalog.models import TaskDisplayedData, TaskType, WorkflowStep, WorkflowStepDisplayedData
from tests.conftest import client_for
from tests.factories import TaskFactory, UserFactory, UserTaskFactory, offer_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    """A French-speaking user's tasks on webapp (and one on mobile), with teasing candidates."""
    owner = UserFactory(email="catalogue@example.com", language_code="fr")
    instruct = offer_on(TaskFactory(icon="📝"))
    workflow = offer_on(TaskFactory(type=TaskType.WORKFLOW, icon="🔁"))
    TaskDisplayedData.objects.create(
        task=workflow, language_code="fr", name_for_user="Poème", definition_for_user="Écrire un poème", json_input=[]
    )
    second = WorkflowStep.objects.create(task=workflow, name_for_system="write", rank=2)
    first = WorkflowStep.objects.create(task=workflow, name_for_system="plan", rank=1)
    WorkflowStepDisplayedData.objects.create(
        workflow_step=first, language_code="en", name_for_user="Plan", definition_for_user="Plan it"
    )
    WorkflowStepDisplayedData.objects.create(
        workflow_step=first, language_code="fr", name_for_user="Plan FR", definition_for_user="Le planifier"
    )
    WorkflowStepDisplayedData.objects.create(
        workflow_step=second, language_code="en", name_for_user="Write", definition_for_user="Write it"
    )
    teasing = offer_on(TaskFactory(visible_for_teasing=True, icon="👀"))
    formerly = offer_on(TaskFactory(icon="⏸"))
    mobile_only = offer_on(TaskFactory(), "mobile")
    offer_on(TaskFactory())  # neither the user's nor teasing: never listed
    return {
        "user": owner,
        "instruct": UserTaskFactory(user=owner, task=instruct),
        "workflow": UserTaskFactory(user=owner, task=workflow),
        "teasing": teasing,
        "formerly": UserTaskFactory(user=owner, task=formerly, enabled=False),
        "mobile": UserTaskFactory(user=owner, task=mobile_only),
        "first_step": first,
        "second_step": second,
    }


def _item(user_task_pk, task, name, description, steps=(), *, enabled=True):
    return {
        "user_task_pk": user_task_pk,
        "task_pk": task.pk,
        "task_name": name,
        "task_description": description,
        "task_icon": task.icon,
        "task_type": task.type,
        "steps": list(steps),
        "enabled": enabled,
    }


def _expected(c):
    steps = [
        {
            "workflow_step_pk": c["first_step"].pk,
            "step_name_for_user": "Plan FR",
            "step_definition_for_user": "Le planifier",
        },
        {
            "workflow_step_pk": c["second_step"].pk,
            "step_name_for_user": "Write",
            "step_definition_for_user": "Write it",
        },
    ]
    return [
        _item(c["instruct"].pk, c["instruct"].task, "Summary", "Summarise your notes"),
        _item(c["workflow"].pk, c["workflow"].task, "Poème", "Écrire un poème", steps),
        _item(None, c["teasing"], "Summary", "Summarise your notes", enabled=False),
        _item(c["formerly"].pk, c["formerly"].task, "Summary", "Summarise your notes", enabled=False),
    ]


def test_it_lists_enabled_tasks_then_teasing_ones_in_the_users_language(catalogue):
    response = client_for(catalogue["user"]).get("/user_task", {"datetime": "2026-11-24T10:00:00"})
    assert response.status_code == 200
    assert response.json() == {"user_tasks": _expected(catalogue)}


@pytest.mark.parametrize(
    ("n", "offset", "indexes"),
    [(1, 0, [0]), (2, 1, [1, 2]), (5, 3, [3]), (50, 4, []), (0, 0, [])],
)
def test_it_pages_through_enabled_then_teasing_tasks(catalogue, n, offset, indexes):
    response = client_for(catalogue["user"]).get("/user_task", {"n_user_tasks": n, "offset": offset})
    expected = _expected(catalogue)
    assert response.json() == {"user_tasks": [expected[i] for i in indexes]}


def test_it_lists_the_mobile_platform_separately(catalogue):
    response = client_for(catalogue["user"]).get("/user_task", {"platform": "mobile"})
    assert [item["user_task_pk"] for item in response.json()["user_tasks"]] == [catalogue["mobile"].pk]


def test_it_answers_404_to_an_unknown_platform(catalogue):
    response = client_for(catalogue["user"]).get("/user_task", {"platform": "fax"})
    assert response.status_code == 404
    assert response.json() == {"error": "platform: unknown platform 'fax'"}


def test_it_answers_400_to_a_bad_page_size(catalogue):
    response = client_for(catalogue["user"]).get("/user_task", {"n_user_tasks": "many"})
    assert response.status_code == 400
    assert response.json()["error"] == "n_user_tasks: A valid integer is required."


def test_it_returns_one_user_task_with_its_steps(catalogue):
    user_task = catalogue["workflow"]
    response = client_for(catalogue["user"]).get("/user_task", {"user_task_pk": user_task.pk})
    assert response.status_code == 200
    expected = _expected(catalogue)[1]
    assert response.json() == {
        **expected,
        "user_task_name": "Poème",
        "user_task_description": "Écrire un poème",
        "user_task_icon": "🔁",
    }


@pytest.mark.parametrize("which", ["formerly", "mobile"])
def test_it_answers_404_for_a_disabled_task_or_one_not_on_the_platform(catalogue, which):
    response = client_for(catalogue["user"]).get("/user_task", {"user_task_pk": catalogue[which].pk})
    assert response.status_code == 404
    assert response.json() == {"error": "user_task_pk: not found"}


def test_it_answers_404_for_another_users_task_and_lists_none_of_them(catalogue, member_client):
    response = member_client.get("/user_task", {"user_task_pk": catalogue["instruct"].pk})
    assert response.status_code == 404
    listed = member_client.get("/user_task").json()["user_tasks"]
    assert [(item["task_pk"], item["user_task_pk"], item["enabled"]) for item in listed] == [
        (catalogue["teasing"].pk, None, False)
    ]


def test_it_answers_401_to_anonymous(anonymous):
    response = anonymous.get("/user_task")
    assert response.status_code == 401


def test_it_shows_an_admin_their_own_tasks_only(catalogue, admin, admin_client):
    own = UserTaskFactory(user=admin, task=offer_on(TaskFactory()))
    listed = admin_client.get("/user_task").json()["user_tasks"]
    assert [(item["user_task_pk"], item["enabled"]) for item in listed] == [(own.pk, True), (None, False)]
