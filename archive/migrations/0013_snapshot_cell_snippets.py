"""The snippets of each cell's first page kept with a snapshot (archive/snapshots.py).

A search narrowed to a kind and a year is answered from its snapshot's cells, but its first
page's 20 snippets were computed (ts_headline parses each shown text: 4–6 ms, a third of such
an answer at 200,000 documents). In a column of their own, {document id: [title, snippet]}:
only a narrowed search reads it, picking the shown documents' entries in the statement.
"""

from django.db import migrations

FORWARD = """
ALTER TABLE archive_search_snapshot ADD COLUMN cell_snippets jsonb NOT NULL DEFAULT '{}';
"""
BACKWARD = """
ALTER TABLE archive_search_snapshot DROP COLUMN cell_snippets;
"""


class Migration(migrations.Migration):
    dependencies = [("archive", "0012_search_snapshots")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
