"""Facet values as arrays on the document row, kept by the database, and a narrow heap.

Counting facets over every match from the join tables costs one join per facet; reading small
integer arrays from the row the text match already visits costs nothing extra. Statement-level
triggers with transition tables keep the arrays right for the admin, loaddata and COPY alike
(one UPDATE per statement, not per row). toast_tuple_target moves the body and the vectors out
of the heap row, so a match over most of the archive reads a narrow heap.
"""
import django.contrib.postgres.fields
from django.db import migrations, models

REFRESH = """
CREATE FUNCTION archive_refresh_facets(ids bigint[]) RETURNS void LANGUAGE sql AS $$
SELECT set_config('archive.refreshing_facets', 'on', true);
UPDATE archive_document d SET
    facet_provinces = ARRAY(SELECT province_id FROM archive_document_provinces
                            WHERE document_id = d.id ORDER BY 1),
    facet_units = ARRAY(SELECT DISTINCT unit FROM archive_document_provinces dp
                        JOIN archive_province p ON p.id = dp.province_id,
                        LATERAL (VALUES (p.id), (p.merged_into_id)) AS v(unit)
                        WHERE dp.document_id = d.id AND unit IS NOT NULL ORDER BY 1),
    facet_agencies = ARRAY(SELECT agency_id FROM archive_document_agencies
                           WHERE document_id = d.id ORDER BY 1),
    facet_objectives = ARRAY(SELECT gcmobjective_id FROM archive_document_objectives
                             WHERE document_id = d.id ORDER BY 1),
    facet_doc_type = (SELECT document_type_id FROM archive_plan WHERE document_ptr_id = d.id)
WHERE d.id = ANY(ids);
SELECT set_config('archive.refreshing_facets', 'off', true);
$$;

-- Django writes every column it knows on save(), stale arrays included (a fixture reloaded
-- over existing data would empty them): only the refresh above may change them.
CREATE FUNCTION archive_keep_facets() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('archive.refreshing_facets', true) IS DISTINCT FROM 'on' THEN
        NEW.facet_provinces := OLD.facet_provinces;
        NEW.facet_units := OLD.facet_units;
        NEW.facet_agencies := OLD.facet_agencies;
        NEW.facet_objectives := OLD.facet_objectives;
        NEW.facet_doc_type := OLD.facet_doc_type;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER archive_document_keep_facets BEFORE UPDATE ON archive_document
    FOR EACH ROW EXECUTE FUNCTION archive_keep_facets();

CREATE FUNCTION archive_facets_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM archive_refresh_facets(ARRAY(SELECT DISTINCT document_id FROM changed));
    RETURN NULL;
END $$;

CREATE FUNCTION archive_plan_facets_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM archive_refresh_facets(ARRAY(SELECT document_ptr_id FROM changed));
    RETURN NULL;
END $$;

CREATE FUNCTION archive_province_merger_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM archive_refresh_facets(ARRAY(
        SELECT DISTINCT dp.document_id FROM archive_document_provinces dp
        JOIN changed ON changed.id = dp.province_id));
    RETURN NULL;
END $$;
"""
TRIGGERS = []
for table in ("archive_document_provinces", "archive_document_agencies", "archive_document_objectives"):
    for event, transition in (("INSERT", "NEW"), ("DELETE", "OLD"), ("UPDATE", "NEW")):
        TRIGGERS.append(
            f"CREATE TRIGGER {table}_facets_{event.lower()} AFTER {event} ON {table} "
            f"REFERENCING {transition} TABLE AS changed FOR EACH STATEMENT "
            "EXECUTE FUNCTION archive_facets_changed();"
        )
for event in ("INSERT", "UPDATE"):
    TRIGGERS.append(
        f"CREATE TRIGGER archive_plan_facets_{event.lower()} AFTER {event} ON archive_plan "
        "REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION archive_plan_facets_changed();"
    )
TRIGGERS.append(
    "CREATE TRIGGER archive_province_merger_update AFTER UPDATE ON archive_province "
    "REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION archive_province_merger_changed();"
)
DROP = """
DROP FUNCTION archive_keep_facets() CASCADE;
DROP FUNCTION archive_refresh_facets(bigint[]) CASCADE;
DROP FUNCTION archive_facets_changed() CASCADE;
DROP FUNCTION archive_plan_facets_changed() CASCADE;
DROP FUNCTION archive_province_merger_changed() CASCADE;
"""


def array_field(verbose_name):
    return django.contrib.postgres.fields.ArrayField(
        base_field=models.BigIntegerField(), default=list, editable=False, size=None, verbose_name=verbose_name
    )


class Migration(migrations.Migration):
    dependencies = [("archive", "0003_search")]

    operations = [
        migrations.AddField("document", "facet_provinces", array_field("tỉnh (để lọc)")),
        migrations.AddField("document", "facet_units", array_field("tỉnh và đơn vị kế thừa (để lọc)")),
        migrations.AddField("document", "facet_agencies", array_field("cơ quan (để lọc)")),
        migrations.AddField("document", "facet_objectives", array_field("mục tiêu GCM (để lọc)")),
        migrations.AddField(
            "document", "facet_doc_type",
            models.BigIntegerField(editable=False, null=True, verbose_name="loại văn bản (để lọc)"),
        ),
        migrations.RunSQL(REFRESH + "\n".join(TRIGGERS), DROP),
        # Existing rows: fill the arrays once.
        migrations.RunSQL(
            "SELECT archive_refresh_facets(ARRAY(SELECT id FROM archive_document));", migrations.RunSQL.noop
        ),
        migrations.RunSQL(
            "ALTER TABLE archive_document SET (toast_tuple_target = 1024);",
            "ALTER TABLE archive_document RESET (toast_tuple_target);",
        ),
    ]
