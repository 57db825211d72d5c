from django.urls import path

from apps.catalog.api.views import TaskJsonView, TaskView, TextEditActionAdminView, TextTypeView

urlpatterns = [
    path("task", TaskView.as_view(), name="task"),
    path("task_json", TaskJsonView.as_view(), name="task-json"),
    path("text_type", TextTypeView.as_view(), name="text-type"),
    path("text_edit_action", TextEditActionAdminView.as_view(), name="text-edit-action"),
]
