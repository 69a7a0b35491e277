"""Numbers below 10 as Nghị định 30/2020/NĐ-CP writes them ("05/KH-UBND"), no other leading zero.

parse_number now gives every spelling of an ordinal one form ("5", "05" and "005" are 05; "016"
is 16): the plans stored before are given it, in their number, its normalised key and the
document's search_number (from which the search vector is generated). A plan whose new key
another plan of the same issuer and year already holds keeps its number: the two rows are one
document entered twice, for an editor to merge, and the uniqueness constraint would refuse it.
"""

from django.db import migrations

CANONICAL_ORDINALS = r"""
WITH plans AS (
    SELECT document_ptr_id AS id, issuer_id, number_year, number, number_normalized,
        substring(number FROM '^[0-9]+') AS digits,
        substring(number_normalized FROM '^[0-9]+') AS key_digits
    FROM archive_plan
), ordinals AS (
    -- lpad cuts a longer string to its length: padded only below two digits.
    SELECT *, lpad(ltrim(digits, '0'), greatest(2, length(ltrim(digits, '0'))), '0') AS ordinal,
        lpad(ltrim(key_digits, '0'), greatest(2, length(ltrim(key_digits, '0'))), '0')
            AS key_ordinal
    FROM plans WHERE digits IS NOT NULL AND key_digits IS NOT NULL
), renamed AS (
    SELECT id, issuer_id, number_year,
        ordinal || substr(number, length(digits) + 1) AS number,
        key_ordinal || substr(number_normalized, length(key_digits) + 1) AS normalized,
        ordinal <> digits OR key_ordinal <> key_digits AS changed
    FROM ordinals
), changed AS (
    SELECT r.* FROM renamed r
    WHERE r.changed AND NOT EXISTS (
        SELECT FROM renamed other
        WHERE other.id <> r.id AND other.normalized = r.normalized
            AND other.issuer_id IS NOT DISTINCT FROM r.issuer_id
            AND other.number_year IS NOT DISTINCT FROM r.number_year)
), updated AS (
    UPDATE archive_plan p SET number = changed.number, number_normalized = changed.normalized
    FROM changed WHERE p.document_ptr_id = changed.id
    RETURNING p.document_ptr_id, p.number_normalized
)
UPDATE archive_document d SET search_number = updated.number_normalized
FROM updated WHERE d.id = updated.document_ptr_id AND d.search_number <> ''
"""


# The plans left as they were, for the migration to name.
NOT_CANONICAL = r"""
SELECT p.number, d.title
FROM archive_plan p JOIN archive_document d ON d.id = p.document_ptr_id,
    LATERAL (SELECT substring(p.number FROM '^[0-9]+') AS digits) AS o
WHERE o.digits <> lpad(ltrim(o.digits, '0'), greatest(2, length(ltrim(o.digits, '0'))), '0')
ORDER BY p.number
"""


def canonical_ordinals(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(CANONICAL_ORDINALS)
        cursor.execute(NOT_CANONICAL)
        for number, title in cursor.fetchall():
            print(
                f"\n  Giữ nguyên số {number} («{title}»): số theo Nghị định 30 đã có; hãy gộp hai văn bản."
            )


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0017_document_plural_names_every_kind"),
    ]

    operations = [
        migrations.RunPython(canonical_ordinals, migrations.RunPython.noop),
    ]
