"""The facet refresh (0004, 0009) in PL/pgSQL, with one plan kept for the session.

Every statement on a tag table, and every plan written, calls the refresh. As an SQL function
it parsed and planned its UPDATE (five subqueries) at each call; PL/pgSQL keeps the plan, but
with the id array as a parameter a custom plan always looks cheaper than the generic one, so
the plan cache would still plan again at each call. One generic plan serves every size: each id
costs the same index probes whatever the plan. Measured on importing 1,000 texts (two
workers): 0.73 → 0.12 ms a call, the server's CPU 5.6 → 3.0 s (bench/README.md, Ingest).
"""

from django.db import migrations

# The refresh itself, unchanged from 0009: arrays from the tag tables, rows written only when
# they change.
UPDATE = """\
UPDATE archive_document d SET
    facet_provinces = n.provinces,
    facet_units = n.units,
    facet_agencies = n.agencies,
    facet_objectives = n.objectives,
    facet_doc_type = n.doc_type
FROM (
    SELECT x.id,
        ARRAY(SELECT province_id FROM archive_document_provinces
              WHERE document_id = x.id ORDER BY 1) AS provinces,
        ARRAY(SELECT DISTINCT unit FROM archive_document_provinces dp
              JOIN archive_province p ON p.id = dp.province_id,
              LATERAL (VALUES (p.id), (p.merged_into_id)) AS v(unit)
              WHERE dp.document_id = x.id AND unit IS NOT NULL ORDER BY 1) AS units,
        ARRAY(SELECT agency_id FROM archive_document_agencies
              WHERE document_id = x.id ORDER BY 1) AS agencies,
        ARRAY(SELECT gcmobjective_id FROM archive_document_objectives
              WHERE document_id = x.id ORDER BY 1) AS objectives,
        (SELECT document_type_id FROM archive_plan WHERE document_ptr_id = x.id) AS doc_type
    FROM (SELECT DISTINCT unnest(ids) AS id) AS x
) AS n
WHERE d.id = n.id
  AND (d.facet_provinces, d.facet_units, d.facet_agencies, d.facet_objectives, d.facet_doc_type)
      IS DISTINCT FROM (n.provinces, n.units, n.agencies, n.objectives, n.doc_type);
"""

REFRESH = f"""
CREATE OR REPLACE FUNCTION archive_refresh_facets(ids bigint[]) RETURNS void LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan AS $$
BEGIN
PERFORM set_config('archive.refreshing_facets', 'on', true);
{UPDATE}PERFORM set_config('archive.refreshing_facets', 'off', true);
END $$;
"""

# 0009's version, restored on the way back.
PREVIOUS = f"""
CREATE OR REPLACE FUNCTION archive_refresh_facets(ids bigint[]) RETURNS void LANGUAGE sql AS $$
SELECT set_config('archive.refreshing_facets', 'on', true);
{UPDATE}SELECT set_config('archive.refreshing_facets', 'off', true);
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("archive", "0009_refresh_facets_only_when_changed")]

    operations = [migrations.RunSQL(REFRESH, PREVIOUS)]
