"""Open a ZIP-packaged document (.docx, .odt) and parse its XML parts without trusting them.

A plan file may come from anyone: a truncated download, a ZIP bomb (a few kB that unpack to
gigabytes), XML with a DTD whose entities expand a billion times or fetch a URL. Each of those
becomes a :class:`~svcsim.errors.PlanParseError` naming the file, never a traceback or a hang:
declared sizes are checked before anything is unpacked (:mod:`zipfile` never yields more than
an entry's declared size), and lxml parses with entities unresolved, no DTD loading and no
network; a document that declares a DTD at all is refused, since Word and Writer never write one.
"""

from __future__ import annotations

import io
import zipfile
import zlib

from svcsim.errors import PlanParseError

# Unpacked size of all parts together. Real plans unpack to a few MB (images included).
MAX_UNPACKED = 200 * 2**20
MAX_ENTRIES = 20_000


def open_package(data: bytes, source: str, what: str) -> zipfile.ZipFile:
    """The ZIP container of a ``what`` (".docx", ".odt") document, size-checked.

    Raises:
        PlanParseError: not a readable ZIP, or it unpacks to more than :data:`MAX_UNPACKED`.
    """
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        infos = z.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError, KeyError) as exc:
        raise PlanParseError(source, key="ingest.zip_damaged", what=what, detail=exc) from None
    total = sum(i.file_size for i in infos)
    if total > MAX_UNPACKED or len(infos) > MAX_ENTRIES:
        z.close()
        raise PlanParseError(source, key="ingest.zip_bomb", mb=total / 2**20, parts=len(infos),
                             limit=MAX_UNPACKED // 2**20, what=what)
    return z


def read_part(z: zipfile.ZipFile, name: str, source: str, what: str) -> bytes | None:
    """The bytes of part ``name``, or ``None`` when the package has no such part.

    Raises:
        PlanParseError: the part is damaged (bad CRC, truncated deflate stream) or encrypted.
    """
    try:
        return z.read(name)
    except KeyError:
        return None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError, ValueError) as exc:
        raise PlanParseError(source, key="ingest.zip_part_damaged", part=name, detail=exc, what=what) from None


def parse_xml(data: bytes, source: str, part: str):
    """Parse one XML part safely; returns the root element (lxml).

    Raises:
        PlanParseError: the XML is malformed or declares a DTD.
    """
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise PlanParseError(source, key="ingest.xml_bad", part=part, detail=exc) from None
    if root is None:
        raise PlanParseError(source, key="ingest.xml_empty", part=part)
    tree = root.getroottree()
    if tree.docinfo.internalDTD is not None or tree.docinfo.doctype:
        raise PlanParseError(source, key="ingest.xml_dtd", part=part)
    return root
