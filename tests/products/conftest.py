"""Fixtures shared by the accounts, products and notifications tests (tests/purchases_support.py)."""

from tests.purchases_support import (  # noqa: F401
    _fresh_throttles,
    admin_receivers,
    backoffice_client,
    other_task,
    scheduler_client,
    secrets_configured,
    signing_key,
    stub_server,
    task,
    webapp_client,
)
