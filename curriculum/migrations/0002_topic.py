"""
Topic moves here from quizzes without touching its table: this migration only
records the model in curriculum's state. The table, its rows and ids, and the
many-to-many tables that point at it stay as they are (quizzes_topic, created by
quizzes 0001, which declares that it runs before this one).
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('curriculum', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Topic',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('slug', models.SlugField(max_length=80, unique=True)),
                        ('name', models.CharField(max_length=100, unique=True)),
                        ('description', models.TextField(blank=True)),
                    ],
                    options={
                        'db_table': 'quizzes_topic',
                        'ordering': ['name'],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
