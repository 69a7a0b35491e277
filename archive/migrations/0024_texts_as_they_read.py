"""Texts saved before text.as_seen() are given its form: without the characters nobody sees,
their no-break spaces and hyphens plain ones, in NFC (what a save now stores).

A text pasted from Word or a web page kept zero-width spaces, direction marks, a byte-order mark
or a soft hyphen, which split a word or a number where none shows: its words and numbers were
not found as typed. The characters are written out here, not imported from archive/text.py, so
that this migration keeps doing what it did when the rule changes. The updated rows regenerate
their search vectors and are logged for the snapshots like any write.
"""

from django.db import migrations

INVISIBLE = (
    "\u00ad\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2066\u2067\u2068\u2069\ufeff"
)
NO_BREAK, PLAIN = "\u00a0\u2007\u202f\u2010\u2011", "   --"
COLUMNS = ("title", "summary", "body")


def as_read(column):
    removed = f"regexp_replace({column}, %(invisible)s, '', 'g')"
    return f"normalize(translate({removed}, %(no_break)s, %(plain)s), NFC)"


AS_THEY_READ = (
    "UPDATE archive_document SET "
    + ", ".join(f"{column} = {as_read(column)}" for column in COLUMNS)
    + " WHERE "
    + " OR ".join(f"{column} ~ %(any)s" for column in COLUMNS)
)


def texts_as_they_read(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            AS_THEY_READ,
            {
                "invisible": f"[{INVISIBLE}]",
                "no_break": NO_BREAK,
                "plain": PLAIN,
                "any": f"[{INVISIBLE}{NO_BREAK}]",
            },
        )


class Migration(migrations.Migration):
    dependencies = [("archive", "0023_trigram_indexes")]

    operations = [migrations.RunPython(texts_as_they_read, migrations.RunPython.noop)]
