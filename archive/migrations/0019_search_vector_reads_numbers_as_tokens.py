"""The search vector reads its texts' numbers as the query spells them (models.numbers_as_tokens).

PostgreSQL's parser broke a number holding Đ into pieces ("402/QĐ-TTg" gave "402/q",
"đ-ttg"), so a text citing 402/QĐ-TTg or 30/2020/NĐ-CP was not found by that number: the
search for 402/QĐ-TTg listed the decision alone, not the provincial plans implementing it.
Texts are read with Đ and đ spelled D and d, and an ordinal below 10 with its leading zero, the
form parse_number gives it since migration 0018 ("5/KH-UBND" in a text is 05/KH-UBND).

A generated column's expression cannot be altered in PostgreSQL 15, and Django does not alter
one: the column is dropped (with its GIN index) and added again, which computes every row's
vector, then given its storage (migration 0015) and its index (migration 0016) back. Every
answer kept before (results cache, search snapshots) was computed from the old vectors: the
search generation moves and the snapshots go (the row that turns the change log on with them),
to be built again, and the log turned on again, by the nightly build_search_snapshots.
"""

import django.contrib.postgres.search
import django.db.models.functions.text
from django.db import migrations, models

INDEX = "document_search_vector"


def rebuild(apps, schema_editor):
    Document = apps.get_model("archive", "Document")
    index = next(index for index in Document._meta.indexes if index.name == INDEX)
    schema_editor.execute("ALTER TABLE archive_document DROP COLUMN search_vector")
    schema_editor.add_field(Document, Document._meta.get_field("search_vector"))
    schema_editor.execute(
        "ALTER TABLE archive_document ALTER COLUMN search_vector SET STORAGE EXTERNAL"
    )
    schema_editor.add_index(Document, index)
    schema_editor.execute("DELETE FROM archive_search_snapshot")
    schema_editor.execute("UPDATE archive_search_generation SET value = value + 1")


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0018_number_ordinals_as_decree_30"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="document",
                    name="search_vector",
                    field=models.GeneratedField(
                        db_persist=True,
                        expression=django.contrib.postgres.search.CombinedSearchVector(
                            django.contrib.postgres.search.CombinedSearchVector(
                                django.contrib.postgres.search.SearchVector(
                                    models.Func(
                                        models.Func(
                                            models.F("title"),
                                            models.Value("Đđ"),
                                            models.Value("Dd"),
                                            function="translate",
                                            output_field=models.TextField(),
                                        ),
                                        models.Value(
                                            "(^|[^0-9/.,])([0-9])(?=/[0-9]{4}/[A-Za-z]|/[A-Za-z]|-[A-Za-z]+/)"
                                        ),
                                        models.Value("\\10\\2"),
                                        models.Value("g"),
                                        function="regexp_replace",
                                        output_field=models.TextField(),
                                    ),
                                    config="vi_unaccent",
                                    weight="A",
                                ),
                                "||",
                                django.contrib.postgres.search.SearchVector(
                                    "search_number",
                                    django.db.models.functions.text.Replace(
                                        django.db.models.functions.text.Replace(
                                            "search_number", models.Value("/"), models.Value(" ")
                                        ),
                                        models.Value("-"),
                                        models.Value(" "),
                                    ),
                                    models.Func(
                                        models.Func(
                                            models.F("summary"),
                                            models.Value("Đđ"),
                                            models.Value("Dd"),
                                            function="translate",
                                            output_field=models.TextField(),
                                        ),
                                        models.Value(
                                            "(^|[^0-9/.,])([0-9])(?=/[0-9]{4}/[A-Za-z]|/[A-Za-z]|-[A-Za-z]+/)"
                                        ),
                                        models.Value("\\10\\2"),
                                        models.Value("g"),
                                        function="regexp_replace",
                                        output_field=models.TextField(),
                                    ),
                                    config="vi_unaccent",
                                    weight="B",
                                ),
                                django.contrib.postgres.search.SearchConfig("vi_unaccent"),
                            ),
                            "||",
                            django.contrib.postgres.search.SearchVector(
                                models.Func(
                                    models.Func(
                                        models.F("body"),
                                        models.Value("Đđ"),
                                        models.Value("Dd"),
                                        function="translate",
                                        output_field=models.TextField(),
                                    ),
                                    models.Value(
                                        "(^|[^0-9/.,])([0-9])(?=/[0-9]{4}/[A-Za-z]|/[A-Za-z]|-[A-Za-z]+/)"
                                    ),
                                    models.Value("\\10\\2"),
                                    models.Value("g"),
                                    function="regexp_replace",
                                    output_field=models.TextField(),
                                ),
                                config="vi_unaccent",
                                weight="C",
                            ),
                            django.contrib.postgres.search.SearchConfig("vi_unaccent"),
                        ),
                        output_field=django.contrib.postgres.search.SearchVectorField(),
                    ),
                ),
            ],
        ),
        # After the state: the column added is the new field's. Going back leaves the column
        # as it is (the state goes back alone): the old vectors held the defects mended here.
        migrations.RunPython(rebuild, migrations.RunPython.noop),
    ]
