"""Texts saved before text.as_seen() read a look-alike Đ as the letter are given the letter.

Text copied from a PDF draws Đ as Icelandic Ð (U+00D0) or African Ɖ (U+0189): the parser split
"402/QÐ-TTg" where the letter is part of the number's one token, so neither a search for
402/QĐ-TTg nor its links found it. Written out here, not imported from archive/text.py (as
migration 0024). The updated rows regenerate their search vectors and are logged for the
snapshots like any write.
"""

from django.db import migrations

COLUMNS = ("title", "summary", "body")
LOOK_ALIKE, LETTER = "\u00d0\u0189", "\u0110\u0110"
AS_THE_LETTER = (
    "UPDATE archive_document SET "
    + ", ".join(f"{column} = translate({column}, %(look_alike)s, %(letter)s)" for column in COLUMNS)
    + " WHERE "
    + " OR ".join(f"{column} ~ %(any)s" for column in COLUMNS)
)


def as_the_letter(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            AS_THE_LETTER,
            {"look_alike": LOOK_ALIKE, "letter": LETTER, "any": f"[{LOOK_ALIKE}]"},
        )


class Migration(migrations.Migration):
    dependencies = [("archive", "0027_slug_taken_message")]

    operations = [migrations.RunPython(as_the_letter, migrations.RunPython.noop)]
