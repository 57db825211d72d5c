"""The reference rows every environment needs: the original's platforms and text types, same pks."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from apps.catalog.models import Platform, TextType

pytestmark = pytest.mark.django_db

reference_data = importlib.import_module("apps.catalog.migrations.0002_reference_data")


def run_the_migration_again() -> None:
    reference_data.forward(apps, SimpleNamespace(connection=connection))


def test_it_seeds_the_original_platforms_and_text_types():
    assert list(Platform.objects.values_list("pk", "name")) == [(1, "mobile"), (2, "webapp")]
    assert list(TextType.objects.values_list("pk", "name")) == [
        (1, "meeting_minutes"),
        (2, "email"),
        (3, "document"),
        (4, "poem"),
    ]


def test_it_moves_the_pk_sequences_past_the_seeded_rows():
    # Sequences are not rolled back with a test's transaction: other tests may have moved them.
    run_the_migration_again()

    assert Platform.objects.create(name="chrome").pk == 3
    assert TextType.objects.create(name="linkedin_post").pk == 5


def test_it_changes_nothing_when_run_again():
    run_the_migration_again()

    assert list(Platform.objects.values_list("pk", "name")) == [(1, "mobile"), (2, "webapp")]
    assert TextType.objects.count() == 4
    assert Platform.objects.create(name="chrome").pk == 3


def test_it_keeps_an_adopted_row_and_gives_a_missing_one_a_free_pk():
    """An adopted database whose pk 4 is another text type keeps it; `poem` gets the next pk."""
    TextType.objects.filter(pk=4).update(name="story")

    run_the_migration_again()

    assert list(TextType.objects.filter(pk__gte=4).values_list("pk", "name")) == [(4, "story"), (5, "poem")]
    assert TextType.objects.create(name="tweet").pk == 6


def test_it_gives_a_missing_row_its_original_pk_when_free():
    Platform.objects.filter(name="webapp").delete()

    run_the_migration_again()

    assert list(Platform.objects.values_list("pk", "name")) == [(1, "mobile"), (2, "webapp")]
