# Generated with `makemigrations chat --empty`, then given the generation takeover sweep (ADR 0006).
from django.db import migrations

ENTRIES = [
    # (name, task, every seconds, expires seconds)
    ("chat: relaunch stale generations", "apps.chat.tasks.relaunch_stale_generations", 10, 9),
]


def forward(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, every, expires in ENTRIES:
        interval, _ = IntervalSchedule.objects.get_or_create(every=every, period="seconds")
        PeriodicTask.objects.get_or_create(
            name=name, defaults={"task": task, "interval": interval, "expire_seconds": expires}
        )


def backward(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[name for name, *_ in ENTRIES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("chat", "0003_beat_schedule"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),  # also how the test fixture finds it
    ]

    operations = [migrations.RunPython(forward, backward)]
