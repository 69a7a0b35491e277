"""Sessions and links unique as before, checked at commit: reordering sessions, or swapping two
links' relations, updates one row after another through a moment of duplicates (a 500)."""

import django.db.models.constraints
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0032_document_created"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="conferencesession",
            name="session_unique_position",
        ),
        migrations.RemoveConstraint(
            model_name="documentlink",
            name="link_unique",
        ),
        migrations.AddConstraint(
            model_name="conferencesession",
            constraint=models.UniqueConstraint(
                deferrable=django.db.models.constraints.Deferrable["DEFERRED"],
                fields=("conference", "position"),
                name="session_unique_position",
            ),
        ),
        migrations.AddConstraint(
            model_name="documentlink",
            constraint=models.UniqueConstraint(
                deferrable=django.db.models.constraints.Deferrable["DEFERRED"],
                fields=("source", "relation", "target"),
                name="link_unique",
                violation_error_message="Liên kết này đã có.",
            ),
        ),
    ]
