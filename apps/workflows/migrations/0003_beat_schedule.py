# Generated with `makemigrations workflows --empty`, then given the beat entry of the workflows app.
from django.db import migrations

ENTRIES = [
    # (name, task, every seconds, expires seconds)
    ("workflows: relaunch stale step executions", "apps.workflows.tasks.relaunch_stale_steps", 60, 55),
]


def forward(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, every, expires in ENTRIES:
        interval, _ = IntervalSchedule.objects.get_or_create(every=every, period="seconds")
        PeriodicTask.objects.get_or_create(
            name=name, defaults={"task": task, "interval": interval, "expire_seconds": expires}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0002_step_execution_state"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
