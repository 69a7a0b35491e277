"""Bytes to text: UTF-8, UTF-16 or Windows-1258, in NFC, or a clear refusal."""

import codecs
import re
import unicodedata

from django.utils.translation import gettext as _

from ..text import as_seen, line_ends

MAX_BYTES = 5 * 1024 * 1024

# Letters only Vietnamese uses (ơ, ư, ă, đ and the tone-marked vowels), decomposed or not: a
# Windows-1258 decoding that yields none of them was not Vietnamese text.
_VIETNAMESE = set("ăâđêôơưĂÂĐÊÔƠƯ\u0300\u0301\u0303\u0309\u0323")


class IngestError(ValueError):
    """Input that cannot be imported; the message says why, for the editor."""


def _looks_utf16(data):
    """Return the UTF-16 codec of BOM-less text with NULs in every other byte, else None."""
    sample = data[:4000]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0) / (len(sample) / 2)
    odd_nuls = sample[1::2].count(0) / (len(sample) / 2)
    if odd_nuls > 0.3 and even_nuls < 0.05:
        return "utf-16-le"
    if even_nuls > 0.3 and odd_nuls < 0.05:
        return "utf-16-be"
    return None


def _declared(data):
    """Return (text, encoding) of a file whose bytes say their encoding (a byte order mark, or
    UTF-16's zero bytes), None otherwise, or raise IngestError when they do not decode so."""
    start = 0
    if data.startswith(codecs.BOM_UTF8):
        encoding, start = "utf-8", len(codecs.BOM_UTF8)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif not (encoding := _looks_utf16(data)):
        return None
    try:
        return data[start:].decode(encoding), encoding
    except UnicodeDecodeError as error:  # cut short (an odd length), or a lone surrogate
        raise IngestError(
            _("Tệp hỏng: có byte không đọc được theo bảng mã %(encoding)s (vị trí %(at)s).")
            % {"encoding": encoding.upper(), "at": start + error.start}  # the file's byte
        ) from error


def _decode(data):
    """Return (text, encoding) or raise IngestError."""
    if declared := _declared(data):
        return declared
    if b"\x00" in data:
        raise IngestError(_("Tệp nhị phân, không phải văn bản (có byte NUL)."))
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1258")
    except UnicodeDecodeError as error:
        raise IngestError(
            _("Không đọc được bảng mã: không phải UTF-8, UTF-16 hay Windows-1258.")
        ) from error
    if not _VIETNAMESE & set(text):
        raise IngestError(_("Không đọc được bảng mã: không phải UTF-8, UTF-16 hay Windows-1258."))
    return text, "cp1258"


_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _control_share(text):
    return len(_CONTROLS.findall(text)) / max(len(text), 1)


# What staff upload besides text: a Word file (.docx is a zip, .doc an OLE compound file) or a
# PDF. «Tệp nhị phân» said what was wrong with it, not what to do.
_WORD = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")


def _not_text(data):
    """Return what to do with a file that is a Word document or a PDF, or None."""
    if data.startswith(_WORD):
        return _(
            "Đây là tệp Word hoặc tệp nén, không phải văn bản thuần: hãy lưu nó thành tệp .txt "
            "(Unicode UTF-8), hoặc sao chép nội dung và dán vào ô văn bản."
        )
    if data.startswith(b"%PDF"):
        return _("Đây là tệp PDF: hãy sao chép nội dung của nó và dán vào ô văn bản.")
    return None


def decode_bytes(data):
    """Return (NFC text, notes) for a file's bytes, or raise IngestError saying what is wrong."""
    if len(data) > MAX_BYTES:
        raise IngestError(
            _("Tệp quá lớn (%(size)s MB); giới hạn là 5 MB.")
            % {"size": f"{len(data) / 1024 / 1024:.1f}"}
        )
    if not data.strip():
        raise IngestError(_("Tệp rỗng."))
    if error := _not_text(data):
        raise IngestError(error)
    text, encoding = _decode(data)
    notes = []
    if encoding not in ("utf-8",):
        notes.append(_("Đã đọc theo bảng mã %(encoding)s.") % {"encoding": encoding})
    if _control_share(text) > 0.01:
        raise IngestError(_("Tệp nhị phân, không phải văn bản (nhiều ký tự điều khiển)."))
    return normalize_text(text, notes), notes


def normalize_text(text, notes):
    """Return the text in NFC, noting when it arrived decomposed (NFD)."""
    text = as_seen(line_ends(text))
    if not text.strip():  # after: a file of zero-width spaces is empty too
        raise IngestError(_("Tệp rỗng."))
    nfc = unicodedata.normalize("NFC", text)
    if nfc != text:
        notes.append(_("Văn bản ở dạng Unicode tổ hợp (NFD); đã chuyển sang dạng dựng sẵn (NFC)."))
    return nfc
