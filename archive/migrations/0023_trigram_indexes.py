"""Trigram indexes for the closest titles and numbers to a query that found nothing.

archive_fold() is what closest() compared titles by, unaccent(lower()), declared immutable so
an index can hold it. unaccent() is only stable because its rules are a file that could
change; after such a change the index would need REINDEX. Both names are schema-qualified: an
index expression is also evaluated with the search path emptied (ANALYZE, autovacuum).
"""

import django.contrib.postgres.indexes
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('archive', '0022_title_words_index'),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE FUNCTION archive_fold(text) RETURNS text"
            " LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT"
            " RETURN public.unaccent('public.unaccent'::regdictionary, lower($1));",
            "DROP FUNCTION archive_fold(text);",
        ),
        migrations.AddIndex(
            model_name='document',
            index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.indexes.OpClass(models.Func(models.F('title'), function='archive_fold', output_field=models.TextField()), name='gin_trgm_ops'), name='document_title_trigrams'),
        ),
        migrations.AddIndex(
            model_name='document',
            index=django.contrib.postgres.indexes.GinIndex(condition=models.Q(('search_number', ''), _negated=True), fields=['search_number'], name='document_number_trigrams', opclasses=['gin_trgm_ops']),
        ),
    ]
