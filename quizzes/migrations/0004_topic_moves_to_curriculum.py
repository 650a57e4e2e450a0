"""
Topic moves to curriculum, keeping its table (quizzes_topic), rows and ids: the
fields that point at it change in state only. Its guide, category and area
columns are dropped, after responsibility 0002 copied them to TopicStudy.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('curriculum', '0002_topic'),
        ('quizzes', '0003_remove_attempt_workshop'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='question',
                    name='topics',
                    field=models.ManyToManyField(blank=True, related_name='questions', to='curriculum.topic'),
                ),
                migrations.AlterField(
                    model_name='quizdraw',
                    name='topic',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='curriculum.topic'),
                ),
                migrations.DeleteModel(
                    name='Topic',
                ),
            ],
            database_operations=[
                migrations.RemoveField(model_name='topic', name='guide'),
                migrations.RemoveField(model_name='topic', name='category'),
                migrations.RemoveField(model_name='topic', name='area'),
            ],
        ),
    ]
