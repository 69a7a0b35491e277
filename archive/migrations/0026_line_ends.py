"""Texts saved from the admin before text.line_ends() are given "\n" line ends.

A browser sends a text area's lines ended "\r\n", which a save stored: the first save of a
document from the admin rewrote its text and said so in its history. The updated rows
regenerate their search vectors and are logged for the snapshots like any write.
"""

from django.db import migrations

TABLES = {
    "archive_document": ("title", "summary", "body"),
    "archive_conference": ("participant_note",),
}


def line_ends(table, columns):
    return (
        f"UPDATE {table} SET "
        + ", ".join(
            f"{column} = replace(replace({column}, E'\\r\\n', E'\\n'), E'\\r', E'\\n')"
            for column in columns
        )
        + " WHERE "
        + " OR ".join(f"strpos({column}, E'\\r') > 0" for column in columns)
    )


LINE_ENDS = [line_ends(table, columns) for table, columns in TABLES.items()]


class Migration(migrations.Migration):
    dependencies = [("archive", "0025_facet_units_index")]

    operations = [migrations.RunSQL(LINE_ENDS, migrations.RunSQL.noop)]
