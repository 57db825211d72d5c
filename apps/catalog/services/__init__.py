"""The task catalogue's business logic: task definitions (validate, import, export, edit, delete),
text types, text-edit actions and LLM-drafted definitions (``POST /task_json``).

A task definition is the JSON of ``PUT /task`` (``apps.catalog.definition``). The same functions
serve the routes, the ``import_task`` command and the Django admin.
"""

from apps.catalog.definition import InvalidTaskDefinition
from apps.catalog.services.base import CatalogConflict
from apps.catalog.services.definitions import (
    create_task_definition,
    delete_task,
    edit_task,
    import_task_definition,
    import_task_definitions,
    known_step_names,
    validate_task_definition,
)
from apps.catalog.services.drafts import (
    claim_task_json_request,
    draft_task_definition,
    request_task_json,
    run_task_json_request,
)
from apps.catalog.services.export import export_task_definition, task_json
from apps.catalog.services.text_types import (
    create_text_edit_action,
    create_text_type,
    link_text_edit_action,
    text_edit_prompt_exists,
    text_edit_prompt_names,
)

__all__ = [
    "CatalogConflict",
    "InvalidTaskDefinition",
    "claim_task_json_request",
    "create_task_definition",
    "create_text_edit_action",
    "create_text_type",
    "delete_task",
    "draft_task_definition",
    "edit_task",
    "export_task_definition",
    "import_task_definition",
    "import_task_definitions",
    "known_step_names",
    "link_text_edit_action",
    "request_task_json",
    "run_task_json_request",
    "task_json",
    "text_edit_prompt_exists",
    "text_edit_prompt_names",
    "validate_task_definition",
]
