"""Text types and the text-edit actions offered on them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from django.conf import settings
from django.db import transaction

from apps.catalog.definition import InvalidTaskDefinition
from apps.catalog.models import TextEditAction, TextEditActionDisplayedData, TextEditActionTextTypeAssociation, TextType
from apps.catalog.services.base import CatalogConflict, advisory_lock

TEXT_EDIT_PROMPTS = "text_edit_actions"


def create_text_type(name: str) -> TextType:
    """``PUT /text_type``; ``CatalogConflict`` when the name exists."""
    name = name.strip().lower()
    if not name:
        raise InvalidTaskDefinition({"text_type_name": "may not be blank"})
    with transaction.atomic():
        advisory_lock(f"text_type:{name}")
        if TextType.objects.filter(name=name).exists():
            raise CatalogConflict(f'text type "{name}" already exists')
        return TextType.objects.create(name=name)


def link_text_edit_action(text_type: TextType, action: TextEditAction) -> TextEditActionTextTypeAssociation:
    """``POST /text_type``: offer an action on a text type; ``CatalogConflict`` when linked already."""
    with transaction.atomic():
        advisory_lock(f"text_edit_action:{action.pk}:{text_type.pk}")
        if TextEditActionTextTypeAssociation.objects.filter(text_type=text_type, text_edit_action=action).exists():
            raise CatalogConflict(f"text edit action {action.pk} is already linked to text type {text_type.pk}")
        return TextEditActionTextTypeAssociation.objects.create(text_type=text_type, text_edit_action=action)


def text_edit_prompt_exists(prompt_file_name: str) -> bool:
    """Whether ``prompts/text_edit_actions/<name>`` exists (``.mpt`` suffix optional, no paths)."""
    if not prompt_file_name or any(sep in prompt_file_name for sep in ("/", "\\")) or prompt_file_name[0] == ".":
        return False
    stem = prompt_file_name.removesuffix(".mpt").removesuffix(".txt")
    return (Path(settings.LLM_PROMPTS_DIR) / TEXT_EDIT_PROMPTS / f"{stem}.mpt").is_file()


def text_edit_prompt_names() -> list[str]:
    return sorted(path.name for path in (Path(settings.LLM_PROMPTS_DIR) / TEXT_EDIT_PROMPTS).glob("*.mpt"))


def create_text_edit_action(
    emoji: str,
    prompt_file_name: str,
    displayed_data: Sequence[Mapping[str, str]],
    text_types: Sequence[TextType] = (),
) -> TextEditAction:
    """``PUT /text_edit_action``: the action, its names per language and (optionally) its text types."""
    if not text_edit_prompt_exists(prompt_file_name):
        known = ", ".join(text_edit_prompt_names())
        raise InvalidTaskDefinition({"prompt_file_name": f"no such prompt in prompts/{TEXT_EDIT_PROMPTS}/ ({known})"})
    with transaction.atomic():
        action = TextEditAction.objects.create(emoji=emoji, prompt_file_name=prompt_file_name)
        TextEditActionDisplayedData.objects.bulk_create(
            TextEditActionDisplayedData(
                text_edit_action=action,
                language_code=item["language_code"],
                name=item["name"],
                description=item["description"],
            )
            for item in displayed_data
        )
        for text_type in text_types:
            TextEditActionTextTypeAssociation.objects.create(text_type=text_type, text_edit_action=action)
    return action
