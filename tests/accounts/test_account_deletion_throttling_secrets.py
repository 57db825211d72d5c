"""Account deletion (DELETE /user), login throttling (429) and passwords never leaking."""

from __future__ import annotations

import logging
import uuid

import pytest

from apps.accounts.models import Device, User, UserVocabulary
from apps.accounts.services import delete_account
from apps.accounts.signals import account_deleted
from apps.executions.models import UserTask
from apps.products.models import Purchase
from tests.conftest import client_for
from tests.purchases_support import make_product, make_purchase

pytestmark = pytest.mark.django_db


# --- deletion ------------------------------------------------------------------------------------------


def test_it_deletes_an_account_by_disabling_and_anonymising_it(owner_client, owner, member, task):
    purchase = make_purchase(owner, make_product("trial", free=True, n_days=7, tasks=(task,)))
    Device.objects.create(user=owner, fcm_token="fcm-alice")
    UserVocabulary.objects.create(user=owner, word="Mojodex")
    User.objects.filter(pk=owner.pk).update(google_id="g-1", goal="sell")

    response = owner_client.delete("/user")

    assert response.status_code == 200
    assert response.json() == {"user_id": owner.pk}
    row = User.objects.get(pk=owner.pk)
    assert (row.email, row.name, row.google_id, row.goal, row.is_active) == (
        f"deleted-{owner.pk}@deleted.invalid",
        None,
        None,
        None,
        False,
    )
    assert not row.has_usable_password()
    assert Purchase.objects.get(pk=purchase.pk).active is False
    assert list(UserTask.objects.filter(user=owner).values_list("enabled", flat=True)) == [False]
    assert list(Device.objects.values_list("fcm_token", "valid")) == [("", False)]
    assert UserVocabulary.objects.count() == 0
    assert User.objects.get(pk=member.pk).is_active is True


def test_it_keeps_the_purchases_when_the_deletion_fails_after_they_were_deactivated(owner, task):
    """Products deactivate the purchases in a receiver of ``account_deleted``, inside the deletion's
    transaction: a failure later in the deletion leaves the purchases (and the account) as they were."""
    purchase = make_purchase(owner, make_product("trial", free=True, n_days=7, tasks=(task,)))

    def fail_after_products(sender, user, **kwargs):
        assert Purchase.objects.get(pk=purchase.pk).active is False  # products' receiver ran first
        raise RuntimeError("deletion interrupted")

    account_deleted.connect(fail_after_products, dispatch_uid="test.fail_after_products")
    try:
        with pytest.raises(RuntimeError):
            delete_account(owner)
    finally:
        account_deleted.disconnect(dispatch_uid="test.fail_after_products")

    assert Purchase.objects.get(pk=purchase.pk).active is True
    assert list(UserTask.objects.filter(user=owner).values_list("enabled", flat=True)) == [True]
    assert User.objects.get(pk=owner.pk).email == owner.email
    assert User.objects.get(pk=owner.pk).is_active is True


def test_it_revokes_the_deleted_accounts_tokens_and_frees_its_email(owner_client, owner, anonymous):
    owner_client.delete("/user")

    assert owner_client.get("/onboarding").status_code == 401
    login = anonymous.post(
        "/user",
        {"email": "owner@example.com", "password": "owner-password-1", "login_method": "email_password"},
        format="json",
    )
    assert login.status_code == 400
    again = anonymous.put(
        "/user", {"email": "owner@example.com", "name": "Alice 2", "password": "owner-password-9"}, format="json"
    )
    assert again.status_code == 200
    assert User.objects.filter(email="owner@example.com").exclude(pk=owner.pk).count() == 1


def test_it_refuses_to_delete_anonymously(anonymous, owner):
    assert anonymous.delete("/user").status_code == 401
    assert User.objects.get(pk=owner.pk).is_active is True


# --- throttling --------------------------------------------------------------------------------------


def _login(client, email, address):
    return client.post(
        "/user",
        {"email": email, "password": "wrong-password", "login_method": "email_password"},
        format="json",
        REMOTE_ADDR=address,
    )


def test_it_throttles_logins_per_account(anonymous, settings, owner):
    settings.LOGIN_THROTTLE_ACCOUNT_RATE = "3/min"
    addresses = [f"10.1.0.{i}" for i in range(4)]

    statuses = [_login(anonymous, "owner@example.com", address).status_code for address in addresses]

    assert statuses == [400, 400, 400, 429]
    throttled = _login(anonymous, "OWNER@example.com", "10.1.0.9")
    assert throttled.status_code == 429
    assert throttled.json()["error"].startswith("Request was throttled.")
    assert int(throttled["Retry-After"]) > 0
    assert _login(anonymous, "member@example.com", "10.1.0.9").status_code == 400


def test_it_throttles_logins_per_address(anonymous, settings, owner):
    settings.LOGIN_THROTTLE_ADDRESS_RATE = "2/min"
    address = f"10.2.{uuid.uuid4().int % 250}.1"

    statuses = [_login(anonymous, f"user{i}@example.com", address).status_code for i in range(3)]

    assert statuses == [400, 400, 429]
    assert _login(anonymous, "user9@example.com", "10.3.0.1").status_code == 400


def test_it_does_not_trust_a_spoofed_forwarded_for_header(anonymous, settings, owner):
    settings.LOGIN_THROTTLE_ADDRESS_RATE = "1/min"
    anonymous.post(
        "/user",
        {"email": "a@x.example", "password": "p" * 9, "login_method": "email_password"},
        format="json",
        REMOTE_ADDR="10.4.0.1",
        HTTP_X_FORWARDED_FOR="1.1.1.1",
    )

    response = anonymous.post(
        "/user",
        {"email": "b@x.example", "password": "p" * 9, "login_method": "email_password"},
        format="json",
        REMOTE_ADDR="10.4.0.1",
        HTTP_X_FORWARDED_FOR="2.2.2.2",
    )

    assert response.status_code == 429


def test_it_throttles_password_reset_requests(anonymous, settings, owner):
    settings.LOGIN_THROTTLE_ACCOUNT_RATE = "1/min"
    anonymous.put("/password", {"email": "owner@example.com"}, format="json", REMOTE_ADDR="10.5.0.1")

    response = anonymous.put("/password", {"email": "owner@example.com"}, format="json", REMOTE_ADDR="10.5.0.2")

    assert response.status_code == 429


# --- secrets ---------------------------------------------------------------------------------------------

PASSWORD = "Sup3r-Secret-Passw0rd!"


def test_it_never_returns_or_logs_a_password(anonymous, caplog, django_capture_on_commit_callbacks):
    caplog.set_level(logging.DEBUG)
    bodies = []
    with django_capture_on_commit_callbacks(execute=True):
        bodies.append(
            anonymous.put("/user", {"email": "s@example.com", "name": "S", "password": PASSWORD}, format="json")
        )
        bodies.append(
            anonymous.put("/user", {"email": "s@example.com", "name": "S", "password": PASSWORD}, format="json")
        )
        for password in (PASSWORD, PASSWORD + "-wrong"):
            bodies.append(
                anonymous.post(
                    "/user",
                    {"email": "s@example.com", "password": password, "login_method": "email_password"},
                    format="json",
                )
            )
        bodies.append(
            anonymous.put("/user", {"email": "t@example.com", "name": "T", "password": "Short1!"}, format="json")
        )
        token = bodies[2].json()["token"]
        owner_client = client_for(User.objects.get(email="s@example.com"))
        bodies.append(
            owner_client.post(
                "/change_password", {"old_password": PASSWORD, "new_password": PASSWORD + "2"}, format="json"
            )
        )
        owner_client.credentials(HTTP_AUTHORIZATION=bodies[-1].json()["token"])  # earlier tokens are revoked
        bodies.append(
            owner_client.post(
                "/change_password", {"old_password": PASSWORD, "new_password": PASSWORD + "3"}, format="json"
            )
        )

    assert [b.status_code for b in bodies] == [200, 409, 200, 400, 400, 200, 400]
    assert token
    for response in bodies:
        assert PASSWORD not in response.content.decode()
        assert "Short1!" not in response.content.decode()
    logged = "\n".join(record.getMessage() + repr(record.args) for record in caplog.records)
    assert caplog.records, "the flow logs something (so the check is meaningful)"
    assert PASSWORD not in logged
    assert "Short1!" not in logged
    stored = User.objects.get(email="s@example.com").password
    assert stored is not None and PASSWORD not in stored
