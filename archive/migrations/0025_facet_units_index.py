"""A GIN index on the units a document is tagged with: a search naming a province also finds
the documents tagged with it (search._tagged), OR-ed with the text match, which a bitmap OR
of the two indexes answers without reading every row."""

import django.contrib.postgres.indexes
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('archive', '0024_texts_as_they_read'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='document',
            index=django.contrib.postgres.indexes.GinIndex(fields=['facet_units'], name='document_facet_units'),
        ),
    ]
