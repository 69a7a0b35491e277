"""Search snapshots that survive writes: the results of a costly search, kept with the database
snapshot they were computed in, and a log of every document row changed since.

A search's answer (its total, facet counts and first ids) depends only on the rows of
archive_document: the facet arrays, the stored vectors, the number, the status are all on the
row, and a rank needs no statistics of other documents. So an answer computed in snapshot S stays
exact once corrected by the rows changed since S (archive/snapshots.py): their state as S saw
it is taken out, their state now put in.

The log holds, for every statement on archive_document, the old state of each row it changed
(NULL for a row inserted) and the writing transaction. The state is what a search counts: the
columns as JSON but for the body and the stored vectors, and the matched vector as a tsvector
(parsing vectors back from JSON text cost 0.1 ms a row); a past state is counted, never ranked,
so the vector of exact words is left out. An entry belongs to "after S" when its transaction is
not visible in S (pg_visible_in_snapshot), which holds for a writer still running when S was
taken and committing later. A row's state as S saw it is the old state of its first
entry after S: two writers of one row queue on its lock, so their entries follow each other.
Statement triggers with transition tables write one INSERT per statement, whatever its size;
an UPDATE that leaves a row as it was is not logged. Nothing is logged while no snapshot exists
(a deployment without them pays one lookup a statement, and keeps no log); the first snapshot
waits until every writer that may have skipped logging has finished (archive/snapshots.py,
start_logging). TRUNCATE bypasses row triggers, so it drops every snapshot.
"""

from django.db import migrations

FORWARD = """
CREATE TABLE archive_search_change (
    seq bigserial PRIMARY KEY,
    xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    document_id bigint NOT NULL,
    old jsonb,
    old_vector tsvector
);
CREATE INDEX archive_search_change_document ON archive_search_change (document_id, seq);

CREATE TABLE archive_search_snapshot (
    key text PRIMARY KEY,
    taken pg_snapshot NOT NULL,
    builder xid8,
    last_seq bigint NOT NULL,
    results jsonb NOT NULL,
    built_at timestamptz NOT NULL DEFAULT now(),
    seconds double precision NOT NULL
);

CREATE FUNCTION archive_log_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT FROM archive_search_snapshot) THEN
        RETURN NULL;
    END IF;
    INSERT INTO archive_search_change (document_id) SELECT id FROM new_rows;
    RETURN NULL;
END $$;

CREATE FUNCTION archive_log_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT FROM archive_search_snapshot) THEN
        RETURN NULL;
    END IF;
    INSERT INTO archive_search_change (document_id, old, old_vector)
    SELECT o.id, to_jsonb(o) - 'body' - 'search_vector' - 'search_vector_exact', o.search_vector
    FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE o IS DISTINCT FROM n;
    RETURN NULL;
END $$;

CREATE FUNCTION archive_log_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT FROM archive_search_snapshot) THEN
        RETURN NULL;
    END IF;
    INSERT INTO archive_search_change (document_id, old, old_vector)
    SELECT o.id, to_jsonb(o) - 'body' - 'search_vector' - 'search_vector_exact', o.search_vector
    FROM old_rows o;
    RETURN NULL;
END $$;

CREATE FUNCTION archive_drop_snapshots() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM archive_search_snapshot;
    DELETE FROM archive_search_change;
    RETURN NULL;
END $$;

CREATE TRIGGER document_log_inserted AFTER INSERT ON archive_document
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION archive_log_inserted();
CREATE TRIGGER document_log_updated AFTER UPDATE ON archive_document
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION archive_log_updated();
CREATE TRIGGER document_log_deleted AFTER DELETE ON archive_document
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION archive_log_deleted();
CREATE TRIGGER document_drop_snapshots AFTER TRUNCATE ON archive_document
    FOR EACH STATEMENT EXECUTE FUNCTION archive_drop_snapshots();
"""

BACKWARD = """
DROP TRIGGER document_drop_snapshots ON archive_document;
DROP TRIGGER document_log_deleted ON archive_document;
DROP TRIGGER document_log_updated ON archive_document;
DROP TRIGGER document_log_inserted ON archive_document;
DROP FUNCTION archive_drop_snapshots();
DROP FUNCTION archive_log_deleted();
DROP FUNCTION archive_log_updated();
DROP FUNCTION archive_log_inserted();
DROP TABLE archive_search_snapshot;
DROP TABLE archive_search_change;
"""


class Migration(migrations.Migration):
    dependencies = [("archive", "0011_facet_trigger_skips_absent_documents")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
