# Generated with `makemigrations chat --empty`, then given the beat entries of the chat app.
from django.db import migrations

ENTRIES = [
    # (name, task, every seconds, expires seconds)
    ("chat: re-send unacknowledged messages", "apps.chat.tasks.resend_unacked_events", 10, 9),
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
        ("chat", "0002_sessionsequence_generation_sessionevent"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
