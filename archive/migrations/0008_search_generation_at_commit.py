"""The search generation moves once per writing transaction, at commit, and follows every table
a result or an overview page shows.

Before (0006), every statement on archive_document updated the one generation row, and the row
stayed locked until the writer committed: two importers queued on it for the whole of each
other's transactions (bench/README.md, ingest). Now a statement only counts itself in a
transaction-local setting; the first one also adds a row to a pending table, whose deferred
constraint trigger bumps the generation once, as the transaction commits. Readers still see the
new generation exactly when they see the new rows: the bump is part of the same commit.

A transaction that has written reads its own uncommitted state, which no other reader shares:
archive/filters.py keys its cache entries by the transaction and its count of writes.

The listing a cached results page shows (a plan's number and issuer, a conference's place, the
names of places and agencies) lives in other tables than archive_document, and the overview
pages count links and conference participants: a write to any of them bumps the generation too.
"""

from django.db import migrations

TABLES = [
    "archive_document",
    "archive_plan",
    "archive_conference",
    "archive_article",
    "archive_conferencesession",
    "archive_conference_organisers",
    "archive_conference_participants",
    "archive_document_provinces",
    "archive_document_agencies",
    "archive_document_objectives",
    "archive_documentlink",
    "archive_province",
    "archive_agency",
    "archive_documenttype",
    "archive_gcmobjective",
]

FUNCTIONS = """
CREATE UNLOGGED TABLE archive_search_generation_pending (
    pending boolean NOT NULL DEFAULT true
);

CREATE OR REPLACE FUNCTION archive_bump_search_generation() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    writes text := current_setting('archive.search_writes', true);
BEGIN
    IF writes IS NULL OR writes = '' THEN
        -- The transaction's first write: the generation moves when it commits.
        INSERT INTO archive_search_generation_pending DEFAULT VALUES;
        writes := '0';
    END IF;
    PERFORM set_config('archive.search_writes', (writes::bigint + 1)::text, true);
    RETURN NULL;
END $$;

CREATE FUNCTION archive_commit_search_generation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE archive_search_generation SET value = value + 1;
    -- Only this transaction's row: the others' are not committed, so not visible here.
    DELETE FROM archive_search_generation_pending;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER search_generation_at_commit
    AFTER INSERT ON archive_search_generation_pending
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION archive_commit_search_generation();
"""

FUNCTIONS_BACKWARD = """
DROP TRIGGER search_generation_at_commit ON archive_search_generation_pending;
DROP FUNCTION archive_commit_search_generation();
DROP TABLE archive_search_generation_pending;
CREATE OR REPLACE FUNCTION archive_bump_search_generation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE archive_search_generation SET value = value + 1;
    RETURN NULL;
END $$;
"""


def triggers(table):
    name = table.removeprefix("archive_")
    forward = f"""
DROP TRIGGER IF EXISTS document_search_generation ON {table};
DROP TRIGGER IF EXISTS document_search_generation_truncate ON {table};
CREATE TRIGGER {name}_search_generation
    AFTER INSERT OR UPDATE OR DELETE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION archive_bump_search_generation();
CREATE TRIGGER {name}_search_generation_truncate
    AFTER TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION archive_bump_search_generation();
"""
    backward = f"""
DROP TRIGGER {name}_search_generation ON {table};
DROP TRIGGER {name}_search_generation_truncate ON {table};
"""
    if table == "archive_document":
        backward += """
CREATE TRIGGER document_search_generation
    AFTER INSERT OR UPDATE OR DELETE ON archive_document
    FOR EACH STATEMENT EXECUTE FUNCTION archive_bump_search_generation();
CREATE TRIGGER document_search_generation_truncate
    AFTER TRUNCATE ON archive_document
    FOR EACH STATEMENT EXECUTE FUNCTION archive_bump_search_generation();
"""
    return forward, backward


class Migration(migrations.Migration):
    dependencies = [("archive", "0007_document_content_hash")]

    operations = [
        migrations.RunSQL(FUNCTIONS, FUNCTIONS_BACKWARD),
        *(migrations.RunSQL(*triggers(table)) for table in TABLES),
    ]
