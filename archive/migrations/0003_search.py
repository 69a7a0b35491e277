"""Full-text search: the vi_unaccent configuration and the generated, indexed vectors."""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('archive', '0002_extensions_and_groups'),
    ]

    operations = [
        # A text search configuration that folds diacritics: unaccent as a dictionary inside a
        # configuration keeps to_tsvector immutable, so the vector can be a generated column.
        migrations.RunSQL(
            sql=[
                "CREATE TEXT SEARCH CONFIGURATION vi_unaccent (COPY = simple);",
                "ALTER TEXT SEARCH CONFIGURATION vi_unaccent "
                "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;",
            ],
            reverse_sql="DROP TEXT SEARCH CONFIGURATION vi_unaccent;",
        ),
        migrations.AddField(
            model_name='document',
            name='search_number',
            field=models.CharField(blank=True, editable=False, max_length=60, verbose_name='số, ký hiệu để tìm kiếm'),
        ),
        migrations.AddField(
            model_name='document',
            name='search_vector',
            field=models.GeneratedField(db_persist=True, expression=django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.SearchVector('title', config='vi_unaccent', weight='A'), '||', django.contrib.postgres.search.SearchVector('search_number', django.db.models.functions.text.Replace(django.db.models.functions.text.Replace('search_number', models.Value('/'), models.Value(' ')), models.Value('-'), models.Value(' ')), 'summary', config='vi_unaccent', weight='B'), django.contrib.postgres.search.SearchConfig('vi_unaccent')), '||', django.contrib.postgres.search.SearchVector('body', config='vi_unaccent', weight='C'), django.contrib.postgres.search.SearchConfig('vi_unaccent')), output_field=django.contrib.postgres.search.SearchVectorField()),
        ),
        migrations.AddField(
            model_name='document',
            name='search_vector_exact',
            field=models.GeneratedField(db_persist=True, expression=django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.SearchVector('title', config='simple', weight='A'), '||', django.contrib.postgres.search.SearchVector('summary', config='simple', weight='B'), django.contrib.postgres.search.SearchConfig('simple')), '||', django.contrib.postgres.search.SearchVector('body', config='simple', weight='C'), django.contrib.postgres.search.SearchConfig('simple')), output_field=django.contrib.postgres.search.SearchVectorField()),
        ),
        migrations.AddIndex(
            model_name='document',
            index=django.contrib.postgres.indexes.GinIndex(fields=['search_vector'], name='document_search_vector'),
        ),
    ]
