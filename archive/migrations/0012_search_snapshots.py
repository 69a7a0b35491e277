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

-- What the log keeps of a row's old state: what a search counts (see above).
CREATE FUNCTION archive_logged_state(archive_document) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT to_jsonb($1) - 'body' - 'search_vector' - 'search_vector_exact'
$$;

CREATE FUNCTION archive_log_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT FROM archive_search_snapshot) THEN
        RETURN NULL;
    END IF;
    -- Each branch names only the transition tables its event has.
    IF TG_OP = 'INSERT' THEN
        INSERT INTO archive_search_change (document_id) SELECT id FROM new_rows;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO archive_search_change (document_id, old, old_vector)
        SELECT o.id, archive_logged_state(o), o.search_vector
        FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE o IS DISTINCT FROM n;
    ELSE
        INSERT INTO archive_search_change (document_id, old, old_vector)
        SELECT o.id, archive_logged_state(o), o.search_vector FROM old_rows o;
    END IF;
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
    FOR EACH STATEMENT EXECUTE FUNCTION archive_log_changes();
CREATE TRIGGER document_log_updated AFTER UPDATE ON archive_document
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION archive_log_changes();
CREATE TRIGGER document_log_deleted AFTER DELETE ON archive_document
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION archive_log_changes();
CREATE TRIGGER document_drop_snapshots AFTER TRUNCATE ON archive_document
    FOR EACH STATEMENT EXECUTE FUNCTION archive_drop_snapshots();
"""

BACKWARD = """
DROP TRIGGER document_drop_snapshots ON archive_document;
DROP TRIGGER document_log_deleted ON archive_document;
DROP TRIGGER document_log_updated ON archive_document;
DROP TRIGGER document_log_inserted ON archive_document;
DROP FUNCTION archive_drop_snapshots();
DROP FUNCTION archive_log_changes();
DROP FUNCTION archive_logged_state(archive_document);
DROP TABLE archive_search_snapshot;
DROP TABLE archive_search_change;
"""


class Migration(migrations.Migration):
    dependencies = [("archive", "0011_facet_trigger_skips_absent_documents")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
