"""``manage.py import_task FILE.json [FILE.json | DIR ...]``: create or update tasks from their JSON
definitions (the ``PUT /task`` body), keyed by ``name_for_system``; safe to run again."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.catalog.models import Task
from apps.catalog.services import InvalidTaskDefinition, import_task_definitions


def read_definitions(paths: list[str]) -> list[tuple[str, Any]]:
    """(label, definition) for each file (a directory stands for its ``*.json`` files, sorted)."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(path.glob("*.json")))
        elif path.is_file():
            files.append(path)
        else:
            raise CommandError(f"{raw}: no such file or directory")
    definitions: list[tuple[str, Any]] = []
    for file in files:
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{file}: cannot be read ({exc})") from None
        except json.JSONDecodeError as exc:
            raise CommandError(f"{file}: not valid JSON ({exc})") from None
        items = data if isinstance(data, list) else [data]
        definitions.extend(
            (f"{file}[{i}]" if isinstance(data, list) else str(file), item) for i, item in enumerate(items)
        )
    return definitions


class Command(BaseCommand):
    help = "Create or update tasks from JSON definitions (same JSON as PUT /task), keyed by name_for_system."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", help="definition files (.json) or directories of them")

    def handle(self, *args: Any, **options: Any) -> None:
        definitions = read_definitions(options["paths"])
        if not definitions:
            raise CommandError("no definition found")
        names = [item.get("name_for_system") if isinstance(item, dict) else None for _, item in definitions]
        existing = set(
            Task.objects.filter(name_for_system__in=[n for n in names if n]).values_list("name_for_system", flat=True)
        )
        try:
            tasks = import_task_definitions([item for _, item in definitions])
        except InvalidTaskDefinition as error:
            lines = []
            for path, message in error.errors.items():
                label = ""
                if len(definitions) > 1 and path.startswith("["):
                    index, _, path = path[1:].partition("].")
                    label = f"{definitions[int(index)][0]}: " if index.isdigit() else ""
                elif len(definitions) == 1:
                    label = f"{definitions[0][0]}: "
                lines.append(f"{label}{path}: {message}")
            raise CommandError("invalid task definition\n" + "\n".join(lines)) from None
        for task in tasks:
            verb = "updated" if task.name_for_system in existing else "created"
            self.stdout.write(f"{verb} task {task.name_for_system} (task_pk {task.pk})")
