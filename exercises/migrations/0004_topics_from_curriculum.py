"""Exercise.topics points at curriculum.Topic: the same table, so state only."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('curriculum', '0002_topic'),
        ('exercises', '0003_remove_submission_workshop'),
    ]
    # Before quizzes forgets its Topic, which this field pointed at until now.
    run_before = [
        ('quizzes', '0004_topic_moves_to_curriculum'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='exercise',
                    name='topics',
                    field=models.ManyToManyField(blank=True, related_name='exercises', to='curriculum.topic'),
                ),
            ],
            database_operations=[],
        ),
    ]
