"""
Where to study a topic (its guide, category and area) moves from the topic's own
columns to TopicStudy, owned here. The rows are copied from the old columns,
before quizzes 0004 drops them (declared with run_before, so that this app
depends on no higher one); the reverse is a no-op.
"""

import django.db.models.deletion
from django.db import migrations, models


def copy_study_links(apps, schema_editor):
    """One TopicStudy per topic, from the columns quizzes_topic still has."""
    TopicStudy = apps.get_model("responsibility", "TopicStudy")
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, guide_id, category_id, area_id FROM "
            + connection.ops.quote_name("quizzes_topic")
        )
        rows = cursor.fetchall()
    TopicStudy.objects.using(connection.alias).bulk_create(
        TopicStudy(topic_id=pk, guide_id=guide, category_id=category, area_id=area)
        for pk, guide, category, area in rows
    )


class Migration(migrations.Migration):

    dependencies = [
        ('curriculum', '0002_topic'),
        ('responsibility', '0001_initial'),
    ]
    run_before = [
        ('quizzes', '0004_topic_moves_to_curriculum'),
    ]

    operations = [
        migrations.CreateModel(
            name='TopicStudy',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('topic', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='study', to='curriculum.topic')),
                ('area', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='topic_studies', to='responsibility.responsibilityarea')),
                ('category', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='topic_studies', to='responsibility.servicecategory')),
                ('guide', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='topic_studies', to='responsibility.guide')),
            ],
            options={
                'verbose_name': 'where to study a topic',
                'verbose_name_plural': 'where to study topics',
            },
        ),
        migrations.RunPython(copy_study_links, migrations.RunPython.noop),
    ]
