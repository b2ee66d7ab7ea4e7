"""Hostile rental-management exports through the real reader: peak memory and time.

Each file is crafted here (nothing is committed), written to a temporary directory, then
read by `apps.tenants.importer.read_rows` in a fresh Python process, which prints its
peak Python allocation (tracemalloc), the growth of its resident set (ru_maxrss) and
the elapsed time (the process's whole peak RSS, Django included, is the last figure).
Target: peak < 150 MB, every refusal within 2 s.

Run: .venv/bin/python bench/bench_import_limits.py [name ...]   (no database needed)
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = [
    *("reference", "nom", "prenom", "annee_naissance", "lien", "adresse", "code_postal"),
    *("commune", "cite", "categorie", "debut_bail", "fin_bail", "accompagne", "public"),
    "langue",
]


def csv_line(i: int) -> str:
    household = i // 2
    return (
        f"B-{household:06d};Nom{household};Prénom{i % 2};{1950 + i % 60};titulaire;"
        f"Rue du Banc {household};5000;Namur;Cité {household % 12};social;"
        f"01/0{1 + household % 9}/2020;;non;;fr"
    )


def csv_export(rows: int) -> bytes:
    return ("\n".join([";".join(HEADER), *(csv_line(i) for i in range(rows))]) + "\n").encode()


def column(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def inline_row(number: int, values: list[str]) -> str:
    cells = "".join(
        f'<c r="{column(i)}{number}" t="inlineStr"><is><t>{v}</t></is></c>'
        for i, v in enumerate(values, start=1)
        if v
    )
    return f'<row r="{number}">{cells}</row>'


def xlsx(sheet_parts: Callable[[], Iterator[str]], dimension: str = "") -> bytes:
    """A minimal valid workbook whose first sheet's XML is streamed from `sheet_parts`."""
    buffer = io.BytesIO()
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
            '2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
            'openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
            'sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>",
        )
        archive.writestr(
            "_rels/.rels",
            f'<?xml version="1.0"?><Relationships xmlns="{pkg}"><Relationship Id="rId1" '
            f'Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0"?><workbook {ns} xmlns:r="{rel}"><sheets><sheet '
            'name="Export" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0"?><Relationships xmlns="{pkg}"><Relationship Id="rId1" '
            f'Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(f'<?xml version="1.0"?><worksheet {ns}>'.encode())
            if dimension:
                sheet.write(f'<dimension ref="{dimension}"/>'.encode())
            sheet.write(b"<sheetData>")
            chunk: list[str] = []
            size = 0
            for part in sheet_parts():
                chunk.append(part)
                size += len(part)
                if size > 1024 * 1024:
                    sheet.write("".join(chunk).encode())
                    chunk, size = [], 0
            sheet.write("".join(chunk).encode())
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


def data_rows(count: int, *, full: bool = True) -> Callable[[], Iterator[str]]:
    def parts() -> Iterator[str]:
        yield inline_row(1, HEADER)
        for i in range(count):
            values = csv_line(i).split(";") if full else [f"R{i}"]
            yield inline_row(i + 2, values)

    return parts


def far_cell() -> Iterator[str]:
    yield inline_row(1, HEADER)
    yield inline_row(2, csv_line(0).split(";"))
    yield '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'


def declared_only() -> Iterator[str]:
    yield inline_row(1, HEADER)
    yield inline_row(2, csv_line(0).split(";"))


def wide_row() -> Iterator[str]:
    yield inline_row(1, HEADER)
    yield '<row r="2">' + "".join(f"<c><v>{i}</v></c>" for i in range(200_000)) + "</row>"


def bomb() -> Iterator[str]:
    yield inline_row(1, HEADER)
    blank = " " * (1024 * 1024)
    for _ in range(1024):  # 1 GiB of whitespace, a few hundred KB compressed
        yield blank


def openpyxl_export(rows: int) -> bytes:
    """A well-formed export as a spreadsheet program writes it (shared strings, dimension)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADER)
    for i in range(rows):
        sheet.append(csv_line(i).split(";"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


FILES: dict[str, Callable[[], bytes]] = {
    "xlsx-300k-rows-1-cell": lambda: xlsx(data_rows(300_000, full=False)),
    "xlsx-300k-rows-15-cells": lambda: xlsx(data_rows(300_000)),
    "xlsx-far-cell-dimension": lambda: xlsx(far_cell, dimension="A1:XFD1048576"),
    "xlsx-declared-dimension-only": lambda: xlsx(declared_only, dimension="A1:XFD1048576"),
    "xlsx-row-of-200k-cells": lambda: xlsx(wide_row),
    "xlsx-zip-bomb-1gib-member": lambda: xlsx(bomb),
    "csv-20mb-300k-rows": lambda: csv_export(300_000)[: 20 * 1024 * 1024],
    "csv-20mb-one-line": lambda: b"reference;nom;" + b"ab;" * (20 * 1024 * 1024 // 3 - 5),
    "csv-legit-20k-rows": lambda: csv_export(20_000),
    "csv-legit-50k-rows": lambda: csv_export(50_000),
    "xlsx-legit-20k-rows": lambda: openpyxl_export(20_000),
    "xlsx-legit-50k-rows": lambda: openpyxl_export(50_000),
}


def high_water_kb() -> int:
    """Peak resident set of this process since its exec (ru_maxrss keeps the parent's)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def measure(path: str) -> dict:
    """In the child process: read the file once through the real reader."""
    import resource
    import time
    import tracemalloc

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "slsp_referent.settings")
    # The reader touches neither: no embedded server is started for the bench.
    os.environ["DATABASE_URL"] = "postgres://bench@127.0.0.1:9/unused"
    os.environ["REDIS_URL"] = "redis://127.0.0.1:9/0"
    import django

    django.setup()
    import openpyxl  # noqa: F401  (a web process has it loaded; its import is not the file's cost)

    from apps.tenants import importer

    data = Path(path).read_bytes()

    def read(seconds: float | None = None) -> str:
        try:
            return f"accepted, {len(importer.read_rows(data, path, seconds=seconds))} rows"
        except importer.ImportFileError as exc:
            return f"refused: {exc}"

    # Timed alone (tracemalloc slows Python down), then again under tracemalloc.
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    outcome = read()
    elapsed = time.perf_counter() - start
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    read(seconds=600)  # tracemalloc slows the reader: no time budget for the memory pass
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "size_kb": len(data) // 1024,
        "seconds": round(elapsed, 2),
        "peak_mb": round(peak / 2**20, 1),
        "rss_growth_mb": round((rss_after - rss_before) / 1024, 1),
        "maxrss_mb": round(high_water_kb() / 1024, 1),
        "outcome": outcome,
    }


def main(names: list[str]) -> None:
    print(f"{'file':30} {'size':>9} {'time':>7} {'peak':>8} {'rss+':>8} {'maxrss':>8}  outcome")
    with tempfile.TemporaryDirectory() as directory:
        for name in names or list(FILES):
            path = Path(directory) / name
            path.write_bytes(FILES[name]())
            child = subprocess.run(
                [sys.executable, __file__, "--measure", str(path)],
                capture_output=True,
                text=True,
                timeout=600,
            )
            if child.returncode:
                print(f"{name:30} child failed: {child.stderr[-500:]}")
                continue
            r = json.loads(child.stdout.strip().splitlines()[-1])
            print(
                f"{name:30} {r['size_kb']:>6} KB {r['seconds']:>6}s {r['peak_mb']:>5} MB "
                f"{r['rss_growth_mb']:>5} MB {r['maxrss_mb']:>5} MB  {r['outcome'][:72]}"
            )
            path.unlink()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--measure"]:
        print(json.dumps(measure(sys.argv[2])))
    else:
        main(sys.argv[1:])
