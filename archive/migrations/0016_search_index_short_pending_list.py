"""The search index's pending list capped at 1 MB instead of the server's 4 MB default.

A GIN index with `fastupdate` (the default) queues each write's entries in a pending list that
every scan of the index reads in full, until a write that takes it past
`gin_pending_list_limit` merges it into the index (or VACUUM does); a search scans it twice
(its facets and its ranking). At 200,000 documents, a rare word's scan with the list at 4 MB
(about 1,000 documents written): 0.4 -> 1.3-2.3 ms; at 1 MB 0.7-1.0; at 256 kB 0.4. Importing
1,000 texts (bench.ingest, interleaved runs): 4 MB 181 documents/s, 1 MB 174, 256 kB about a
fifth slower (the list merged every ~60 documents). `fastupdate = off` spares searches the list
but writes each document's lexemes into the index one by one: a 1,000-document rewrite 1.1 ->
1.9 s.

Altered in place (the index is not rebuilt); the list already queued is merged now.
"""

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

INDEX = "document_search_vector"


class Migration(migrations.Migration):
    dependencies = [("archive", "0015_vectors_stored_uncompressed")]

    operations = [
        migrations.RunSQL(
            sql=[
                f"ALTER INDEX {INDEX} SET (gin_pending_list_limit = 1024)",
                f"SELECT gin_clean_pending_list('{INDEX}')",
            ],
            reverse_sql=f"ALTER INDEX {INDEX} RESET (gin_pending_list_limit)",
            state_operations=[
                migrations.RemoveIndex(model_name="document", name=INDEX),
                migrations.AddIndex(
                    model_name="document",
                    index=GinIndex(
                        fields=["search_vector"], name=INDEX, gin_pending_list_limit=1024
                    ),
                ),
            ],
        ),
    ]
