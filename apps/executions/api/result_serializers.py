"""Request and response shapes of the routes that read and manage executions and their results:
``/user_task``, ``GET|DELETE /user_task_execution``, ``/user_task_execution_title``,
``/user_task_execution_produced_text``, ``/produced_text``.

Query-string serializers validate GET/DELETE parameters (a bad value is a 400 naming the field);
response serializers document the original's JSON shapes for the OpenAPI schema.
"""

from __future__ import annotations

from rest_framework import serializers

from apps.core.api.text import PRODUCED_TEXT_MAX, PRODUCED_TEXT_TITLE_MAX, TITLE_MAX


class ClientFieldsSerializer(serializers.Serializer):
    """Fields every original client sends; accepted and ignored."""

    datetime = serializers.CharField(required=False, help_text="client time (ignored)")
    version = serializers.CharField(required=False, help_text="client version (ignored)")


class PageSerializer(ClientFieldsSerializer):
    offset = serializers.IntegerField(required=False, min_value=0, default=0)


# --- /user_task -------------------------------------------------------------------------------------


class UserTaskQuerySerializer(PageSerializer):
    platform = serializers.CharField(default="webapp", help_text="platform name (mobile, webapp); unknown → 404")
    user_task_pk = serializers.IntegerField(required=False, help_text="one user task instead of the list")
    n_user_tasks = serializers.IntegerField(required=False, min_value=0, help_text="page size (max 50)")


class WorkflowStepSerializer(serializers.Serializer):
    workflow_step_pk = serializers.IntegerField()
    step_name_for_user = serializers.CharField(allow_null=True)
    step_definition_for_user = serializers.CharField(allow_null=True)


class UserTaskItemSerializer(serializers.Serializer):
    user_task_pk = serializers.IntegerField(allow_null=True, help_text="null for a teasing task the user never had")
    task_pk = serializers.IntegerField()
    task_name = serializers.CharField(allow_null=True)
    task_description = serializers.CharField(allow_null=True)
    task_icon = serializers.CharField(allow_null=True)
    task_type = serializers.ChoiceField(choices=["instruct", "workflow"])
    steps = WorkflowStepSerializer(many=True)
    enabled = serializers.BooleanField(help_text="false for teasing tasks (not available to the user)")


class UserTaskListSerializer(serializers.Serializer):
    user_tasks = UserTaskItemSerializer(many=True)


class UserTaskDetailSerializer(UserTaskItemSerializer):
    user_task_name = serializers.CharField(allow_null=True)
    user_task_description = serializers.CharField(allow_null=True)
    user_task_icon = serializers.CharField(allow_null=True)


# --- /user_task_execution -----------------------------------------------------------------------------


class ExecutionQuerySerializer(PageSerializer):
    user_task_execution_pk = serializers.IntegerField(required=False, help_text="one execution instead of the list")
    n_user_task_executions = serializers.IntegerField(required=False, min_value=0, help_text="page size (max 50)")
    search_filter = serializers.CharField(
        required=False, allow_blank=True, help_text="case-insensitive part of the title or summary"
    )
    user_task_pks = serializers.CharField(
        required=False, allow_blank=True, help_text="only these user tasks: pks separated by `;`"
    )

    def validate_user_task_pks(self, value: str) -> list[int]:
        try:
            return [int(part) for part in value.split(";") if part.strip()]
        except ValueError:
            raise serializers.ValidationError("must be integers separated by ';'") from None


class ExecutionPkSerializer(ClientFieldsSerializer):
    user_task_execution_pk = serializers.IntegerField()


class PredefinedActionSerializer(serializers.Serializer):
    task_pk = serializers.IntegerField(help_text="the task to launch (PUT /user_task_execution)")
    name = serializers.CharField(allow_null=True)
    button_text = serializers.CharField(allow_null=True)
    message_prefix = serializers.CharField(allow_null=True, help_text="prefix of the new execution's first message")


class TextEditActionSerializer(serializers.Serializer):
    text_edit_action_pk = serializers.IntegerField()
    name = serializers.CharField(allow_null=True)
    description = serializers.CharField(allow_null=True)
    emoji = serializers.CharField()


class ExecutionSerializer(serializers.Serializer):
    user_task_execution_pk = serializers.IntegerField()
    start_date = serializers.CharField(allow_null=True, help_text="ISO 8601 in the user's time zone")
    end_date = serializers.CharField(allow_null=True, help_text="ISO 8601 in the user's time zone")
    deleted_by_user = serializers.BooleanField(required=False, help_text="single execution only")
    title = serializers.CharField(allow_null=True)
    summary = serializers.CharField(allow_null=True)
    session_id = serializers.CharField()
    json_inputs_values = serializers.JSONField(allow_null=True, help_text="the form with values; null when all empty")
    icon = serializers.CharField(allow_null=True)
    task_name = serializers.CharField(allow_null=True, help_text="in the user's language (English fallback)")
    task_type = serializers.ChoiceField(choices=["instruct", "workflow"])
    result_chat_enabled = serializers.BooleanField()
    actions = PredefinedActionSerializer(many=True)
    user_task_pk = serializers.IntegerField()
    n_todos = serializers.IntegerField()
    n_not_read_todos = serializers.IntegerField()
    produced_text_pk = serializers.IntegerField(allow_null=True)
    produced_text_title = serializers.CharField(allow_null=True)
    produced_text_production = serializers.CharField(allow_null=True)
    produced_text_version_pk = serializers.IntegerField(allow_null=True, help_text="the latest version")
    produced_text_version_index = serializers.IntegerField(help_text="number of versions")
    text_edit_actions = TextEditActionSerializer(many=True)
    working_on_todos = serializers.BooleanField(help_text="to-dos not extracted yet")
    steps = WorkflowStepSerializer(many=True, required=False, allow_null=True, help_text="workflows")
    step_executions = serializers.ListField(
        child=serializers.JSONField(), required=False, allow_null=True, help_text="workflows"
    )


class ExecutionListSerializer(serializers.Serializer):
    user_task_executions = ExecutionSerializer(many=True)


class ExecutionPkResponseSerializer(serializers.Serializer):
    user_task_execution_pk = serializers.IntegerField()


# --- /user_task_execution_title, /user_task_execution_produced_text -----------------------------------


class ExecutionTitleSerializer(ClientFieldsSerializer):
    user_task_execution_pk = serializers.IntegerField()
    title = serializers.CharField(max_length=TITLE_MAX)


class SuccessTrueSerializer(serializers.Serializer):
    success = serializers.BooleanField()


class ExecutionProducedTextQuerySerializer(ClientFieldsSerializer):
    user_task_execution_pk = serializers.IntegerField()
    produced_text_version_index = serializers.IntegerField(help_text="1-based, oldest version first")

    def validate_produced_text_version_index(self, value: int) -> int:
        if value <= 0:
            raise serializers.ValidationError("must be > 0")
        return value


class ExecutionProducedTextSerializer(serializers.Serializer):
    produced_text_version_pk = serializers.IntegerField(allow_null=True, help_text="null when there is no such version")
    produced_text_pk = serializers.IntegerField(required=False)
    produced_text_title = serializers.CharField(required=False, allow_null=True)
    produced_text_production = serializers.CharField(required=False)
    produced_text_version_index = serializers.IntegerField(required=False)


# --- /produced_text -------------------------------------------------------------------------------------


class ProducedTextQuerySerializer(PageSerializer):
    produced_text_pk = serializers.IntegerField(required=False, help_text="one text instead of the list")
    n_produced_texts = serializers.IntegerField(required=False, min_value=0, help_text="page size (max 50)")


class ProducedTextPkSerializer(ClientFieldsSerializer):
    produced_text_pk = serializers.IntegerField()


class ProducedTextSerializer(serializers.Serializer):
    produced_text_pk = serializers.IntegerField()
    user_task_execution_fk = serializers.IntegerField(allow_null=True)
    user_id = serializers.CharField()
    production = serializers.CharField(help_text="of the latest version")
    title = serializers.CharField(allow_null=True)
    creation_date = serializers.DateTimeField(help_text="of the latest version")
    text_type = serializers.CharField(allow_null=True)


class ProducedTextListSerializer(serializers.Serializer):
    produced_texts = ProducedTextSerializer(many=True)


class SaveProducedTextSerializer(ClientFieldsSerializer):
    production = serializers.CharField(trim_whitespace=False, max_length=PRODUCED_TEXT_MAX)
    title = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=PRODUCED_TEXT_TITLE_MAX)
    produced_text_pk = serializers.IntegerField(required=False, allow_null=True, help_text="edit this text")
    user_task_execution_pk = serializers.IntegerField(
        required=False, allow_null=True, help_text="a version of this execution's text (created if none)"
    )
    session_id = serializers.CharField(required=False, allow_null=True, help_text="session of a new text")


class SavedProducedTextSerializer(serializers.Serializer):
    produced_text_pk = serializers.IntegerField()
    produced_text_version_pk = serializers.IntegerField()
