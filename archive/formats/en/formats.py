# The English interface shows Vietnamese records: dates stay dd/mm/yyyy as in the documents.
from archive.formats.vi.formats import (  # noqa: F401
    DATE_FORMAT,
    DATE_INPUT_FORMATS,
    DATETIME_FORMAT,
    DATETIME_INPUT_FORMATS,
    SHORT_DATE_FORMAT,
    SHORT_DATETIME_FORMAT,
)

FIRST_DAY_OF_WEEK = 1
