"""Chat on a workflow execution (review of a step, edits of the result).

Not built yet: it arrives with the workflow engine (issue "Workflow tasks"). Until then a chat
message on a workflow execution gets a clear error event instead of a silent failure.
"""

from __future__ import annotations

from apps.chat.models import Generation


class WorkflowChatUnavailable(Exception):
    pass


def run(generation: Generation) -> None:
    raise WorkflowChatUnavailable("Chat on workflow executions is not available yet")
