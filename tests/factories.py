"""factory_boy factories of the objects most tests need (seeded Faker for repeatable values)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

import factory
import factory.random
from django.utils import timezone
from factory.django import DjangoModelFactory

from apps.accounts.models import User
from apps.catalog.models import Task, TaskDisplayedData, TaskType, TextType
from apps.chat.models import Message, Session, SessionMode
from apps.executions.models import UserTask, UserTaskExecution
from apps.todos.models import Todo

factory.random.reseed_random(20261124)

ModelT = TypeVar("ModelT")


class ModelFactory(DjangoModelFactory[ModelT]):
    """A DjangoModelFactory whose call is typed as the model it creates (factory_boy types it as the factory)."""

    class Meta:
        abstract = True

    if TYPE_CHECKING:

        def __new__(cls, *args: Any, **kwargs: Any) -> ModelT: ...  # type: ignore[misc]


class UserFactory(ModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    name = factory.Faker("name")
    language_code = "en"
    terms_and_conditions_accepted = factory.LazyFunction(timezone.now)


class TaskFactory(ModelFactory[Task]):
    class Meta:
        model = Task
        skip_postgeneration_save = True

    type = TaskType.INSTRUCT
    name_for_system = factory.Sequence(lambda n: f"write_summary_{n}")
    definition_for_system = "The user needs a short summary of their notes."
    final_instruction = "Write the summary."
    icon = "📝"
    output_text_type = factory.LazyFunction(lambda: TextType.objects.get_or_create(name="document")[0])
    output_format_instruction_title = "SHORT TITLE"
    output_format_instruction_draft = "THE SUMMARY"
    infos_to_extract = factory.LazyFunction(lambda: [{"info_name": "notes", "description": "the notes"}])

    @factory.post_generation
    def displayed(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create:
            TaskDisplayedData.objects.create(
                task=self,  # type: ignore[misc]  # factory_boy passes the created Task as ``self``
                language_code="en",
                name_for_user="Summary",
                definition_for_user="Summarise your notes",
                json_input=[
                    {
                        "input_name": "notes",
                        "description_for_user": "Your notes",
                        "description_for_system": "The user's notes",
                        "placeholder": "Paste your notes",
                        "type": "text_area",
                    }
                ],
            )


class UserTaskFactory(ModelFactory[UserTask]):
    class Meta:
        model = UserTask

    user = factory.SubFactory(UserFactory)
    task = factory.SubFactory(TaskFactory)
    enabled = True


class SessionFactory(ModelFactory[Session]):
    class Meta:
        model = Session

    user = factory.SubFactory(UserFactory)
    platform = "webapp"
    starting_mode = SessionMode.FORM


class ExecutionFactory(ModelFactory[UserTaskExecution]):
    """A created, not yet started execution with the task's form (values empty)."""

    class Meta:
        model = UserTaskExecution

    user_task = factory.SubFactory(UserTaskFactory)
    session = factory.LazyAttribute(lambda o: SessionFactory(user=o.user_task.user))
    json_input_values = factory.LazyAttribute(
        lambda o: [
            dict(item, value=None) for item in o.user_task.task.displayed_data.get(language_code="en").json_input
        ]
    )


# --- executions with results, chat messages, to-dos, purchases (route tests) ----------------------


class StartedExecutionFactory(ExecutionFactory):
    """An execution already started (listed by GET /user_task_execution)."""

    start_date = factory.LazyFunction(timezone.now)


class MessageFactory(ModelFactory[Message]):
    class Meta:
        model = "chat.Message"

    session = factory.SubFactory(SessionFactory)
    sender = "user"
    event_name = "user_message"
    message = factory.Sequence(lambda n: {"text": f"message {n}", "message_id": f"client-{n}"})


class TodoFactory(ModelFactory[Todo]):
    class Meta:
        model = "todos.Todo"

    user_task_execution = factory.SubFactory(StartedExecutionFactory)
    description = factory.Sequence(lambda n: f"to-do {n}")


def offer_on(task: Task, *platforms: str) -> Task:
    """Offer ``task`` on the named platforms (default webapp)."""
    from apps.catalog.models import Platform, TaskPlatformAssociation

    for name in platforms or ("webapp",):
        TaskPlatformAssociation.objects.create(task=task, platform=Platform.objects.get(name=name))
    return task


def grant_purchase(user: User, *tasks: Task):  # type: ignore[no-untyped-def]
    """An active, unlimited purchase of a product containing ``tasks`` (so the user may start them)."""
    from apps.products.models import Product, ProductCategory, ProductTask, Purchase

    category = ProductCategory.objects.create(label="test", emoji="🧪", implicit_goal="test")
    product = Product.objects.create(
        status="active", product_category=category, free=True, label=f"test-{user.pk}-{tasks[0].pk}"
    )
    for task in tasks:
        ProductTask.objects.create(product=product, task=task)
    return Purchase.objects.create(user=user, product=product, active=True)
