"""API errors are JSON with the right status, never an HTML page or a 500."""

from __future__ import annotations

import pytest
from rest_framework.exceptions import ValidationError

from apps.core.api.pagination import page_bounds

pytestmark = pytest.mark.django_db


def test_it_answers_an_unknown_route_with_json_404(anonymous):
    response = anonymous.get("/no_such_route")
    assert response.status_code == 404
    assert response.json() == {"error": "Not found"}


def test_it_answers_the_schema_and_swagger_ui(anonymous):
    schema = anonymous.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert "/health" in schema.json()["paths"]
    assert anonymous.get("/api/docs/").status_code == 200


@pytest.mark.parametrize(
    ("params", "expected"),
    [({}, (0, 50)), ({"n_things": "10", "offset": "20"}, (20, 10)), ({"n_things": "500"}, (0, 50))],
)
def test_it_pages_like_the_original(params, expected):
    assert page_bounds(params, "n_things") == expected


@pytest.mark.parametrize(("params", "field"), [({"n_things": "ten"}, "n_things"), ({"offset": "-1"}, "offset")])
def test_it_rejects_a_bad_page_parameter_naming_it(params, field):
    with pytest.raises(ValidationError) as error:
        page_bounds(params, "n_things")
    assert field in error.value.detail
