from django.urls import path

from apps.todos.api.views import TodosView

urlpatterns = [
    path("todos", TodosView.as_view(), name="todos"),
]
