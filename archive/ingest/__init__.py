"""Turning raw Vietnamese text into archive documents.

decode (bytes to NFC text, or a clear refusal), clean (title, body, byline, site noise), dates,
citations (document numbers and how they are cited), places (provinces of both eras), agencies,
objectives (GCM triggers), catalogue (the archive's reference data, loaded once per batch),
extract (all of the above for one text, and the links it proposes) and store (one document per
transaction, duplicates found and reported).
"""

from .catalogue import Catalogue
from .decode import IngestError, decode_bytes
from .extract import Extraction, extract
from .store import ImportResult, document_import

__all__ = [
    "Catalogue",
    "Extraction",
    "ImportResult",
    "IngestError",
    "decode_bytes",
    "document_import",
    "extract",
]
