"""``manage.py seed_demo``: the demo user, products, text-edit actions and tasks (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from apps.web.demo import DEMO_EMAIL, DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Create the demo data that is missing (safe to run again: nothing existing is changed)."

    def handle(self, *args: Any, **options: Any) -> None:
        summary = seed_demo()
        for name in summary["created_tasks"]:
            self.stdout.write(f"created task {name}")
        self.stdout.write(f"demo data ready; demo login: {DEMO_EMAIL} / {DEMO_PASSWORD}")
