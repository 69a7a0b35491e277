"""The two search vectors are stored without trying to compress them.

PostgreSQL's pglz compressor gives up on a tsvector (sorted lexemes and positions: not one of
the 200,000 generated documents' vectors, nor of the demo's, came out compressed), yet it tries
each one first: 7.5 % of the server's time when the corpus is copied, and as much of every
document saved. STORAGE EXTERNAL moves a long vector out of the row as before, uncompressed as
before, without the attempt. The bodies, which do compress (85 % of them), keep EXTENDED.
"""

from django.db import migrations

VECTORS = ("search_vector", "search_vector_exact")


def storage(kind):
    columns = ", ".join(f"ALTER COLUMN {column} SET STORAGE {kind}" for column in VECTORS)
    return f"ALTER TABLE archive_document {columns}"


class Migration(migrations.Migration):
    dependencies = [("archive", "0014_slow_searches")]

    operations = [migrations.RunSQL(storage("EXTERNAL"), reverse_sql=storage("EXTENDED"))]
