"""The tag tables' trigger (0004) calls the facet refresh only when a changed document exists.

The importer writes a document's tags before its row (archive/ingest/store.py), so for every
imported document each of its three tag statements called the refresh for nothing. The refresh
of documents that do not exist changes nothing; asking first costs a fifth of the call
(measured: 2,000 tag statements 165 → 36 ms).
"""

from django.db import migrations

CHANGED = """
CREATE OR REPLACE FUNCTION archive_facets_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT FROM changed JOIN archive_document d ON d.id = changed.document_id) THEN
        PERFORM archive_refresh_facets(ARRAY(SELECT DISTINCT document_id FROM changed));
    END IF;
    RETURN NULL;
END $$;
"""

# 0004's version, restored on the way back.
PREVIOUS = """
CREATE OR REPLACE FUNCTION archive_facets_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM archive_refresh_facets(ARRAY(SELECT DISTINCT document_id FROM changed));
    RETURN NULL;
END $$;
"""


class Migration(migrations.Migration):
    dependencies = [("archive", "0010_refresh_facets_with_a_kept_plan")]

    operations = [migrations.RunSQL(CHANGED, PREVIOUS)]
