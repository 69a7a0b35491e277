"""A counter that changes whenever a document row does: the key of cached search results.

A statement-level trigger bumps it in the writing transaction, so readers see the new value
exactly when they see the new rows (an UPDATE of one row, not a sequence: nextval is not
transactional, and a reader could cache old rows under the new value before the commit).
Facet arrays live on the document row (0004), so tagging a document bumps it too.

The cached results themselves live in Django's database cache table (settings.CACHES), created
here so that `migrate` alone prepares a server; `createcachetable` does nothing when it exists.
"""

from django.core.management import call_command
from django.db import migrations

FORWARD = """
CREATE TABLE archive_search_generation (
    id boolean PRIMARY KEY DEFAULT true CHECK (id),
    value bigint NOT NULL
);
INSERT INTO archive_search_generation (value) VALUES (1);

CREATE FUNCTION archive_bump_search_generation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE archive_search_generation SET value = value + 1;
    RETURN NULL;
END $$;

CREATE TRIGGER document_search_generation
    AFTER INSERT OR UPDATE OR DELETE ON archive_document
    FOR EACH STATEMENT EXECUTE FUNCTION archive_bump_search_generation();
CREATE TRIGGER document_search_generation_truncate
    AFTER TRUNCATE ON archive_document
    FOR EACH STATEMENT EXECUTE FUNCTION archive_bump_search_generation();
"""

BACKWARD = """
DROP TRIGGER document_search_generation_truncate ON archive_document;
DROP TRIGGER document_search_generation ON archive_document;
DROP FUNCTION archive_bump_search_generation();
DROP TABLE archive_search_generation;
"""


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("archive", "0005_search_number_index")]

    operations = [
        migrations.RunSQL(FORWARD, BACKWARD),
        migrations.RunPython(create_cache_table, migrations.RunPython.noop),
    ]
