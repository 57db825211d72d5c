"""PUT /error with notify_admin e-mails the admins at most ADMIN_NOTIFY_USER_RATE per user and
ADMIN_NOTIFY_GLOBAL_RATE in all; over the limit the error is still stored, not e-mailed (issue 13)."""

from __future__ import annotations

import pytest
from django.core import mail

from apps.chat.models import Error

pytestmark = pytest.mark.django_db


def _report(client, text: str):
    return client.put("/error", {"error": text, "notify_admin": True}, format="json")


def test_unit_it_stores_every_report_but_mails_at_most_the_user_rate(
    broker, owner_client, owner, admin_receivers, settings, django_capture_on_commit_callbacks
):
    settings.ADMIN_NOTIFY_USER_RATE = "2/hour"

    with django_capture_on_commit_callbacks(execute=True):
        responses = [_report(owner_client, f"crash {i}") for i in range(4)]
    broker.run_bodies()  # the e-mail worker's part, run in-process

    assert [r.status_code for r in responses] == [200] * 4
    assert [r.json() for r in responses] == [{"success": "Error logged"}] * 4
    assert sorted(Error.objects.values_list("message", flat=True)) == [f"crash {i}\nUser: {owner.pk}" for i in range(4)]
    assert [m.body.splitlines()[0] for m in mail.outbox if m.to == ["tech@example.com"]] == ["crash 0", "crash 1"]


def test_unit_it_mails_at_most_the_global_rate_across_users(
    broker, owner_client, member_client, admin_receivers, settings, django_capture_on_commit_callbacks
):
    settings.ADMIN_NOTIFY_USER_RATE = "10/hour"
    settings.ADMIN_NOTIFY_GLOBAL_RATE = "3/hour"

    with django_capture_on_commit_callbacks(execute=True):
        for i in range(3):
            _report(owner_client, f"alice {i}")
            _report(member_client, f"bob {i}")
    broker.run_bodies()  # the e-mail worker's part, run in-process

    assert Error.objects.count() == 6
    assert len([m for m in mail.outbox if m.to == ["tech@example.com"]]) == 3


def test_unit_it_does_not_count_reports_that_do_not_ask_for_a_mail(
    broker, owner_client, admin_receivers, settings, django_capture_on_commit_callbacks
):
    settings.ADMIN_NOTIFY_USER_RATE = "1/hour"

    with django_capture_on_commit_callbacks(execute=True):
        for i in range(3):
            owner_client.put("/error", {"error": f"quiet {i}"}, format="json")
        _report(owner_client, "loud")
    broker.run_bodies()  # the e-mail worker's part, run in-process

    assert Error.objects.count() == 4
    assert [m.body.splitlines()[0] for m in mail.outbox] == ["loud"]
