"""Stage 1, decode: the seed's bytes become clean Unicode text.

- a UTF-8 byte-order mark is dropped; text that is not UTF-8 is decoded with the encoding
  charset-normalizer finds (cp1252, latin-1...);
- mojibake ("Ã©" for "é") is repaired with ftfy, quotes and HTML entities left as written;
- line endings become ``\\n``; tabs become spaces; NUL and other control characters are removed;
- data that is not text at all (an image, an archive) is refused with a clear error.
"""

from __future__ import annotations

import re
import unicodedata

import ftfy
from charset_normalizer import from_bytes

# Share of control characters above which the data is not text.
BINARY_CONTROL_SHARE = 0.10
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x85\x0b\x0c]")
_MOJIBAKE_HINT = re.compile(r"[ÃÂâÅÐÑ][\x80-\xbf\u0152-\u0178\u02c6-\u203a€™]|â€|Ã.")
_FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False, uncurl_quotes=False, fix_character_width=False, fix_latin_ligatures=False,
    fix_line_breaks=True, remove_control_chars=True, normalization="NFC", explain=False,
)


class DecodeError(ValueError):
    """The seed cannot be read as text; the message says why and what to do."""


def _looks_binary(data: bytes) -> bool:
    if not data:
        return False
    sample = data[:65536]
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return controls / len(sample) > BINARY_CONTROL_SHARE


def decode_bytes(data: bytes) -> tuple[str, str]:
    """(text, encoding used). Raises DecodeError for data that is not text."""
    if _looks_binary(data):
        raise DecodeError("is binary data, not text (save the article as a plain-text .txt file)")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    for bom, encoding in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(encoding, errors="replace"), encoding
    best = from_bytes(data, cp_isolation=["cp1252", "latin_1", "iso8859_15", "utf_16", "mac_roman"]).best()
    if best is None:
        best = from_bytes(data).best()
    if best is None:
        raise DecodeError("is not text in any encoding we recognise (re-save it as UTF-8)")
    return str(best), best.encoding


def normalize_text(text: str) -> str:
    """Mojibake repaired, NFC, ``\\n`` line endings, no control characters, trailing spaces gone."""
    text = _LINE_BREAKS.sub("\n", text.replace("\ufeff", ""))
    fixable = _MOJIBAKE_HINT.search(text)
    text = ftfy.fix_text(text, _FTFY_CONFIG) if fixable else unicodedata.normalize("NFC", text)
    text = _CONTROL.sub("", text.replace("\t", " "))
    return "\n".join(line.rstrip() for line in text.split("\n"))


def decode(data: bytes) -> str:
    """The seed's text, ready for cleaning. Raises DecodeError."""
    text, _encoding = decode_bytes(data)
    return normalize_text(text)
