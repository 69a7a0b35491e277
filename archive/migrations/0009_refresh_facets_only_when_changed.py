"""The facet refresh (0004) rewrites a document row only when its arrays really change.

Every UPDATE of a document row recomputes both stored search vectors and adds an entry to every
index. The refresh used to write each row it was given, though the arrays were often already
right: a plan's own trigger refreshed the row the importer had just written complete (every
imported plan was written twice), and an admin save of a plan's fields rewrote its document.
"""

from django.db import migrations

REFRESH = """
CREATE OR REPLACE FUNCTION archive_refresh_facets(ids bigint[]) RETURNS void LANGUAGE sql AS $$
SELECT set_config('archive.refreshing_facets', 'on', true);
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
SELECT set_config('archive.refreshing_facets', 'off', true);
$$;
"""

# 0004's version, restored on the way back.
PREVIOUS = """
CREATE OR REPLACE FUNCTION archive_refresh_facets(ids bigint[]) RETURNS void LANGUAGE sql AS $$
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
"""


class Migration(migrations.Migration):
    dependencies = [("archive", "0008_search_generation_at_commit")]

    operations = [migrations.RunSQL(REFRESH, PREVIOUS)]
