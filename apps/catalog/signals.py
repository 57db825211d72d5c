"""Signals of the catalogue, for the higher layers that hold rows referencing a task.

Sent inside the caller's transaction, so a receiver's writes commit or roll back with it, and a
receiver that raises stops the change (paperless-ngx's ``signals`` pattern).
"""

from __future__ import annotations

from django.dispatch import Signal

# ``services.delete_task``: sent with ``task`` (its row locked) before the catalogue's own rows
# go. A receiver deletes its rows that reference the task, or raises ``CatalogConflict`` (409) to
# refuse the deletion. Receivers: ``apps.executions.handlers`` (refuses a task users have run;
# deletes its user-task rows), ``apps.products.handlers`` (removes it from products).
task_deleting = Signal()
