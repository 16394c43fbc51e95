#!/usr/bin/env python3
"""Write the hostile-file corpus the import tests upload (crates/web/tests/hostile/).

Each file is small and refused with a clear message; a dense or trusting reader would spend
gigabytes on it. Regenerate with `python3 scripts/hostile-corpus.py`; the files are committed
so the tests need no Python.
"""
import io, os, struct, zipfile

OUT = os.path.join(os.path.dirname(__file__), "..", "crates", "web", "tests", "hostile")
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def xlsx(sheet, shared=None):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>')
        z.writestr("_rels/.rels", f'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", f'<?xml version="1.0"?><workbook xmlns="{NS}" xmlns:r="{REL}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
        rel = f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>' if shared else ""
        z.writestr("xl/_rels/workbook.xml.rels", f'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>{rel}</Relationships>')
        z.writestr("xl/worksheets/sheet1.xml", f'<?xml version="1.0"?><worksheet xmlns="{NS}"><sheetData>{sheet}</sheetData></worksheet>')
        if shared:
            z.writestr("xl/sharedStrings.xml", shared)
    return buf.getvalue()


def inline(ref, text):
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def declared_bomb(name, declared):
    """A zip whose central directory declares `declared` unpacked bytes for one part."""
    data = b"\x03\x00"
    n = name.encode()
    local = struct.pack("<IHHHIIIIHH", 0x04034B50, 20, 0, 8, 0, 0, len(data), declared, len(n), 0) + n + data
    central = struct.pack("<IHHHHIIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, len(data), declared, len(n), 0, 0, 0, 0, 0, 0) + n
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central), len(local), 0)
    return local + central + end


def main():
    os.makedirs(OUT, exist_ok=True)
    files = {
        # A1 and XFD1048576: ~550 GB as a dense grid.
        "corner-cell.xlsx": xlsx(f'<row r="1">{inline("A1", "Số CCCD")}</row><row r="1048576">{inline("XFD1048576", "x")}</row>'),
        # A1 and CV1000000: read as a million short rows, then the import finds no valid row.
        "far-row.xlsx": xlsx(f'<row r="1">{inline("A1", "Số CCCD")}</row><row r="1000000">{inline("CV1000000", "x")}</row>'),
        # One 200 MB shared string in a ~200 KB file.
        "shared-string-200mb.xlsx": xlsx('<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
                                         f'<?xml version="1.0"?><sst xmlns="{NS}" count="1" uniqueCount="1"><si><t>' + "a" * (200 << 20) + "</t></si></sst>"),
        # A shared-strings count of 10^14 (the reader reserved it up front).
        "shared-count.xlsx": xlsx('<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
                                  f'<?xml version="1.0"?><sst xmlns="{NS}" count="1" uniqueCount="99999999999999"><si><t>x</t></si></sst>'),
        # A part declaring 3 GB unpacked.
        "zip-bomb.xlsx": declared_bomb("xl/worksheets/sheet1.xml", 3_000_000_000),
        # UTF-16 (Excel's "Unicode Text") and Windows-1258-like bytes.
        "utf16.csv": "\ufeffSố CCCD\tHọ và tên\r\n042090001234\tAn\r\n".encode("utf-16-le"),
        "latin1.csv": b"S\xf3 CCCD,H\xf3 t\xean\n1,2\n",
        # Not a spreadsheet at all.
        "garbage.xlsx": b"PK\x03\x04" + b"\x00" * 64,
    }
    for name, body in files.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(body)
        print(f"{name}: {len(body)} bytes")


if __name__ == "__main__":
    main()
