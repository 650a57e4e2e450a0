"""Attempt.score becomes a fraction from 0 to 1, like every other score."""

from django.db import migrations, models
from django.db.models import F


def percent_to_fraction(apps, schema_editor):
    Attempt = apps.get_model("quizzes", "Attempt")
    Attempt.objects.filter(score__isnull=False).update(score=F("score") / 100)


def fraction_to_percent(apps, schema_editor):
    Attempt = apps.get_model("quizzes", "Attempt")
    Attempt.objects.filter(score__isnull=False).update(score=F("score") * 100)


class Migration(migrations.Migration):
    dependencies = [("quizzes", "0004_topic_moves_to_curriculum")]

    operations = [
        migrations.AlterField(
            model_name="attempt",
            name="score",
            field=models.FloatField(blank=True, help_text="From 0 to 1.", null=True),
        ),
        migrations.RunPython(percent_to_fraction, fraction_to_percent),
    ]
