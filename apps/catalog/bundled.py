"""The catalogue's bundled data: the task definitions under ``task_definitions/`` (the original's
six tasks and the example workflows) and the text-edit actions, loaded by ``manage.py seed_demo``
(``apps.web.demo``).

Idempotent and additive: rows are found by a natural key (name_for_system, prompt file…) and only
what is missing is created, so running it again changes nothing and never overwrites an admin's
edits.
"""

from __future__ import annotations

import json
from pathlib import Path

from apps.catalog.models import (
    Task,
    TextEditAction,
    TextEditActionDisplayedData,
    TextEditActionTextTypeAssociation,
    TextType,
)
from apps.catalog.services import import_task_definitions

TASK_DEFINITIONS_DIR = Path(__file__).resolve().parent / "task_definitions"

# prompt file → (emoji, {language: (name, description)}, text types it applies to)
TEXT_EDIT_ACTIONS: list[tuple[str, str, dict[str, tuple[str, str]], list[str]]] = [
    (
        "make_it_shorter.mpt",
        "✂️",
        {
            "en": ("Shorter", "Cut the text to about half its length"),
            "fr": ("Plus court", "Réduire le texte de moitié environ"),
        },
        ["meeting_minutes", "email", "document", "poem"],
    ),
    (
        "more_creative.mpt",
        "🎨",
        {
            "en": ("More creative", "Give the text more colour and originality"),
            "fr": ("Plus créatif", "Donner au texte plus de couleur et d'originalité"),
        },
        ["email", "document", "poem"],
    ),
    (
        "formal_to_informal.mpt",
        "😎",
        {
            "en": ("Less formal", "Make the tone warmer and more casual"),
            "fr": ("Moins formel", "Rendre le ton plus chaleureux et détendu"),
        },
        ["email", "document"],
    ),
    (
        "just_memo.mpt",
        "🗒️",
        {
            "en": ("Just a memo", "Turn the text into short notes to remember"),
            "fr": ("Juste un mémo", "Transformer le texte en notes courtes à retenir"),
        },
        ["meeting_minutes", "document"],
    ),
]


# The original's six tasks first, in its pk order (1-6 on a fresh database), then the workflows.
TASK_ORDER = [
    "prepare_meeting_minutes",
    "follow-up_email",
    "structure_ideas_into_doc",
    "prepare_linkedin_post",
    "create_one_minute_pitch",
    "general_assistance",
    "write_poem",
    "generate_documentation_from_video",
    "web_research_synthesis",
]


def task_definition_files() -> list[Path]:
    """The bundled definitions, in ``TASK_ORDER`` (any other file after them, by name)."""
    files = sorted(TASK_DEFINITIONS_DIR.glob("*.json"))
    rank = {name: index for index, name in enumerate(TASK_ORDER)}
    return sorted(files, key=lambda path: (rank.get(path.stem, len(rank)), path.stem))


def seed_tasks() -> list[str]:
    """Import the bundled definitions whose task does not exist yet; their names."""
    definitions = [json.loads(path.read_text(encoding="utf-8")) for path in task_definition_files()]
    existing = set(Task.objects.values_list("name_for_system", flat=True))
    missing = [data for data in definitions if data["name_for_system"] not in existing]
    if missing:
        import_task_definitions(missing)
    return [data["name_for_system"] for data in missing]


def seed_text_edit_actions() -> None:
    for prompt_file_name, emoji, names, type_names in TEXT_EDIT_ACTIONS:
        action = TextEditAction.objects.filter(prompt_file_name=prompt_file_name).order_by("id").first()
        if action is None:
            action = TextEditAction.objects.create(prompt_file_name=prompt_file_name, emoji=emoji)
        for code, (name, description) in names.items():
            if not action.displayed_data.filter(language_code=code).exists():
                TextEditActionDisplayedData.objects.create(
                    text_edit_action=action, language_code=code, name=name, description=description
                )
        for type_name in type_names:
            text_type = TextType.objects.filter(name=type_name).order_by("id").first()
            if text_type is None:
                text_type = TextType.objects.create(name=type_name)
            TextEditActionTextTypeAssociation.objects.get_or_create(text_type=text_type, text_edit_action=action)
