# Generated with `makemigrations products --empty`, then given the beat entry of purchases.
from django.db import migrations

NAME = "products: close expired purchases"
TASK = "apps.products.tasks.sweep_expired_purchases"


def forward(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    hourly, _ = IntervalSchedule.objects.get_or_create(every=1, period="hours")
    PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={
            "task": TASK,
            "interval": hourly,
            "queue": "background",
            "expire_seconds": 3000,  # below the period: a sweep not started within 50 min is dropped
            "description": "Hourly: deactivate purchases past their n_days_validity (one task per purchase).",
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("products", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
