"""An OpenDocument spreadsheet (.ods), written directly as the ODF 1.2 zip: the `mimetype` entry first and
stored uncompressed, the manifest, and one `content.xml` holding a table per sheet. Numbers are written as
float cells (so sums and charts work on them); text, including the GSS symbols `c`, `x` and `z`, as strings.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

__all__ = ["ODS_MEDIA_TYPE", "Sheet", "ods_bytes"]

ODS_MEDIA_TYPE = "application/vnd.oasis.opendocument.spreadsheet"
Sheet = tuple[str, Sequence[Sequence[str | int | float | None]]]

_MANIFEST = f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.2" manifest:media-type="{ODS_MEDIA_TYPE}"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"""

_CONTENT_OPEN = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    "<office:body><office:spreadsheet>"
)
_CONTENT_CLOSE = "</office:spreadsheet></office:body></office:document-content>"


def _cell(value: str | int | float | None) -> str:
    if value is None or value == "":
        return "<table:table-cell/>"
    if isinstance(value, bool):
        value = "yes" if value else "no"
    if isinstance(value, int | float):
        number = f'office:value-type="float" office:value="{value!r}"'
        return f"<table:table-cell {number}><text:p>{value}</text:p></table:table-cell>"
    return f'<table:table-cell office:value-type="string"><text:p>{escape(value)}</text:p></table:table-cell>'


def _table(name: str, rows: Sequence[Sequence[str | int | float | None]]) -> str:
    body = "".join("<table:table-row>" + "".join(_cell(v) for v in row) + "</table:table-row>" for row in rows)
    return f"<table:table table:name={quoteattr(name)}>{body}</table:table>"


def ods_bytes(sheets: Sequence[Sheet]) -> bytes:
    """The spreadsheet file: one named sheet per (name, rows)."""
    content = _CONTENT_OPEN + "".join(_table(name, rows) for name, rows in sheets) + _CONTENT_CLOSE
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), ODS_MEDIA_TYPE, compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", _MANIFEST, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()
