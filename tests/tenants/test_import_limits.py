"""Hostile rental-management exports: the reader streams, refuses at its limits while
reading, refuses decompression bombs before parsing and gives up within a time budget;
the preview page reads the stored file once. Every hostile file is built here."""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile
from collections.abc import Iterator

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from apps.tenants import importer, reading, services
from apps.tenants.models import ImportJob

pytestmark = pytest.mark.django_db
HEADER = [
    *("reference", "nom", "prenom", "annee_naissance", "lien", "adresse", "code_postal"),
    *("commune", "cite", "categorie", "debut_bail", "fin_bail", "accompagne", "public"),
    "langue",
]
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def member_line(i: int) -> list[str]:
    return (
        f"R{i:06d};Nom{i};Anne;1980;titulaire;Rue {i};5000;Namur;;social;01/01/2024;;non;;fr"
    ).split(";")


def csv_export(rows: int) -> bytes:
    lines = [";".join(HEADER), *(";".join(member_line(i)) for i in range(rows))]
    return ("\n".join(lines) + "\n").encode()


def column(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def row_xml(number: int, values: list[str]) -> str:
    cells = "".join(
        f'<c r="{column(i)}{number}" t="inlineStr"><is><t>{v}</t></is></c>'
        for i, v in enumerate(values, start=1)
        if v
    )
    return f'<row r="{number}">{cells}</row>'


def with_sheet(sheet_parts: Iterator[str], dimension: str = "") -> bytes:
    """A real workbook saved by openpyxl whose first sheet is replaced by streamed XML."""
    workbook = openpyxl.Workbook()
    workbook.active.append(HEADER)
    original = io.BytesIO()
    workbook.save(original)
    result = io.BytesIO()
    with (
        zipfile.ZipFile(original) as source,
        zipfile.ZipFile(result, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                target.writestr(item, source.read(item))
                continue
            with target.open(item.filename, "w", force_zip64=True) as sheet:
                sheet.write(f'<?xml version="1.0"?><worksheet {NS}>'.encode())
                if dimension:
                    sheet.write(f'<dimension ref="{dimension}"/>'.encode())
                sheet.write(b"<sheetData>")
                for part in sheet_parts:
                    sheet.write(part.encode())
                sheet.write(b"</sheetData></worksheet>")
    return result.getvalue()


def rows_xml(count: int) -> Iterator[str]:
    yield row_xml(1, HEADER)
    for i in range(count):
        yield row_xml(i + 2, member_line(i))


@pytest.fixture
def pulled(monkeypatch) -> dict[str, int]:
    """Counts the lines the reader pulls from the real CSV and XLSX line generators."""
    counts = {"lines": 0}
    for name in ("_csv_lines", "_sheet_lines"):
        real = getattr(reading, name)

        def counting(*args, real=real):
            for line in real(*args):
                counts["lines"] += 1
                yield line

        monkeypatch.setattr(reading, name, counting)
    return counts


def refusal(data: bytes, **kwargs) -> str:
    with pytest.raises(importer.ImportFileError) as exc:
        importer.read_rows(data, **kwargs)
    return str(exc.value)


# --- rows ---------------------------------------------------------------------------


def test_a_csv_with_too_many_rows_is_refused_at_the_limit_while_reading(settings, pulled):
    settings.TENANTS_IMPORT_MAX_ROWS = 100
    message = refusal(csv_export(10_000))
    assert "dépasse 100 lignes" in message
    # The header, the 100 allowed rows and the one that passed the limit: no more.
    assert pulled["lines"] == 102


def test_an_xlsx_with_too_many_rows_is_refused_by_the_scan_before_any_row_is_built(
    settings, pulled
):
    settings.TENANTS_IMPORT_MAX_ROWS = 100
    settings.TENANTS_IMPORT_MAX_BLANK_LINES = 10
    message = refusal(with_sheet(rows_xml(5_000)))
    assert "dépasse 100 lignes" in message
    assert pulled["lines"] == 0  # openpyxl never handed out a row


def test_an_xlsx_under_the_scan_but_over_the_row_limit_stops_while_reading(settings, pulled):
    # 150 row elements pass the scan (100 rows + 1,000 blank lines allowed) but only
    # 100 may carry data: the reader stops at the 101st.
    settings.TENANTS_IMPORT_MAX_ROWS = 100
    assert "dépasse 100 lignes" in refusal(with_sheet(rows_xml(150)))
    assert pulled["lines"] == 102


def test_blank_lines_count_towards_a_limit_too(settings, pulled):
    settings.TENANTS_IMPORT_MAX_ROWS = 100
    settings.TENANTS_IMPORT_MAX_BLANK_LINES = 50
    data = csv_export(10) + b";;;\n" * 10_000
    assert "dépasse 100 lignes" in refusal(data)
    assert pulled["lines"] == 152


def test_rows_up_to_the_limit_are_accepted(settings):
    settings.TENANTS_IMPORT_MAX_ROWS = 100
    assert len(importer.read_rows(csv_export(100))) == 100
    assert len(importer.read_rows(with_sheet(rows_xml(100)))) == 100


# --- declared dimension and far cells -----------------------------------------------


def far_cell_sheet() -> Iterator[str]:
    yield row_xml(1, HEADER)
    yield row_xml(2, member_line(1))
    yield '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'


def test_a_full_sheet_dimension_with_one_far_cell_is_refused_quickly_and_small():
    """A1:XFD1048576 made openpyxl pad a million rows to 16,384 cells (gigabytes)."""
    data = with_sheet(far_cell_sheet(), dimension="A1:XFD1048576")
    tracemalloc.start()
    try:
        message = refusal(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "dépasse 50\u202f000 lignes" in message
    assert peak < 50 * 1024 * 1024, f"peak {peak / 2**20:.0f} MB"


def test_a_false_declared_dimension_is_ignored():
    sheet = iter([row_xml(1, HEADER), row_xml(2, member_line(1))])
    data = with_sheet(sheet, dimension="A1:XFD1048576")
    tracemalloc.start()
    try:
        rows = importer.read_rows(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [r["reference"] for r in rows] == ["R000001"]
    assert peak < 50 * 1024 * 1024, f"peak {peak / 2**20:.0f} MB"


def test_cells_far_to_the_right_are_ignored_not_padded():
    far = '<c r="XFD2" t="inlineStr"><is><t>loin</t></is></c>'
    sheet = iter([row_xml(1, HEADER), row_xml(2, member_line(1))[:-6] + far + "</row>"])
    rows = importer.read_rows(with_sheet(sheet))
    assert rows[0]["reference"] == "R000001" and "loin" not in rows[0].values()


def test_a_row_with_too_many_cells_is_refused_before_openpyxl_holds_it(pulled):
    huge = '<row r="2">' + "<c><v>1</v></c>" * 5_000 + "</row>"
    message = refusal(with_sheet(iter([row_xml(1, HEADER), huge])))
    assert "plus de 1000 cellules" in message
    assert pulled["lines"] == 0


def test_a_csv_line_too_long_is_refused_without_reading_it_whole():
    data = b"reference;nom;" + b"ab;" * 2_000_000
    tracemalloc.start()
    try:
        message = refusal(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "La ligne 1 dépasse 10000 caractères" in message
    assert peak < 20 * 1024 * 1024, f"peak {peak / 2**20:.0f} MB"


# --- archives -----------------------------------------------------------------------


def bomb_sheet() -> Iterator[str]:
    yield row_xml(1, HEADER)
    blank = " " * (1024 * 1024)
    for _ in range(200):  # 200 MB of whitespace, a few hundred KB once compressed
        yield blank


def test_a_zip_bomb_is_refused_before_anything_is_parsed(monkeypatch):
    data = with_sheet(bomb_sheet())
    assert len(data) < 1024 * 1024
    opened = []
    real = openpyxl.load_workbook
    monkeypatch.setattr(
        openpyxl, "load_workbook", lambda *a, **k: opened.append(1) or real(*a, **k)
    )
    scanned = []
    monkeypatch.setattr(reading, "_scan_part", lambda *a: scanned.append(1))
    started = time.monotonic()
    message = refusal(data)
    assert "anormalement volumineux une fois décompressé" in message
    assert opened == [] and scanned == []
    assert time.monotonic() - started < 2


def test_a_member_over_its_size_is_refused_even_at_a_normal_ratio(settings):
    settings.TENANTS_IMPORT_MAX_SHEET_BYTES = 64 * 1024
    assert "anormalement volumineux" in refusal(with_sheet(rows_xml(2_000)))


def test_an_xml_part_with_a_doctype_is_refused():
    sheet = iter([row_xml(1, HEADER)])
    data = with_sheet(sheet)
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/workbook.xml":
                doctype = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>'
                if content.startswith(b"<?xml"):
                    end = content.index(b"?>") + 2
                    content = content[:end] + doctype + content[end:]
                else:
                    content = doctype + content
            target.writestr(item, content)
    assert "illisible" in refusal(out.getvalue())


# --- time ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_reading_gives_up_when_the_time_budget_is_spent(kind, pulled):
    data = csv_export(50) if kind == "csv" else with_sheet(rows_xml(50))
    message = refusal(data, seconds=0)
    assert "Le fichier est trop long à lire" in message
    assert pulled["lines"] <= 1
    assert len(importer.read_rows(data, seconds=60)) == 50  # the same file, in time


# --- the views ----------------------------------------------------------------------


def test_the_upload_view_refuses_a_hostile_file_in_french_and_saves_nothing(
    client_for, world, settings
):
    settings.TENANTS_IMPORT_MAX_ROWS = 100
    client = client_for("referent_a")
    response = client.post(
        reverse("tenants:import"),
        {"slsp": world.slsp_a.pk, "file": SimpleUploadedFile("x.xlsx", with_sheet(rows_xml(500)))},
    )
    assert response.status_code == 200
    assert "dépasse 100 lignes" in response.content.decode()
    with scopes_disabled():
        assert not ImportJob.objects.exists()


def test_the_preview_reads_the_stored_file_once(client_for, world, monkeypatch):
    calls = {"read": 0, "plan": 0}
    real_read, real_plan = importer.read_rows, importer.plan

    def read(*args, **kwargs):
        calls["read"] += 1
        return real_read(*args, **kwargs)

    def plan(*args, **kwargs):
        calls["plan"] += 1
        return real_plan(*args, **kwargs)

    monkeypatch.setattr(importer, "read_rows", read)
    monkeypatch.setattr(importer, "plan", plan)
    client = client_for("referent_a")
    upload = client.post(
        reverse("tenants:import"),
        {"slsp": world.slsp_a.pk, "file": SimpleUploadedFile("x.csv", csv_export(30))},
    )
    preview = upload["Location"]
    for _ in range(3):
        page = client.get(preview)
        assert page.status_code == 200
        assert page.content.decode().count("à créer") >= 30
    assert calls == {"read": 1, "plan": 1}

    # The cache lost it (eviction, restart): read again once, then cached again.
    with scopes_disabled():
        job = ImportJob.objects.get()
    from django.core.cache import cache

    cache.delete(services.preview_key(job))
    for _ in range(2):
        assert "à créer" in client.get(preview).content.decode()
    assert calls == {"read": 2, "plan": 2}


def test_the_preview_page_queries_do_not_grow_with_the_rows(
    client_for, world, django_assert_max_num_queries
):
    client = client_for("referent_a")
    for rows in (1, 300):
        upload = client.post(
            reverse("tenants:import"),
            {"slsp": world.slsp_a.pk, "file": SimpleUploadedFile("x.csv", csv_export(rows))},
        )
        with django_assert_max_num_queries(12):
            assert client.get(upload["Location"]).status_code == 200


def test_a_preview_that_cannot_be_read_again_says_so_and_offers_no_apply(client_for, world):
    client = client_for("referent_a")
    upload = client.post(
        reverse("tenants:import"),
        {"slsp": world.slsp_a.pk, "file": SimpleUploadedFile("x.csv", csv_export(3))},
    )
    with scopes_disabled():
        job = ImportJob.objects.get()
        ImportJob.objects.filter(pk=job.pk).update(data=b"\xff\xfe\x00\x00")
    from django.core.cache import cache

    cache.delete(services.preview_key(job))
    page = client.get(upload["Location"]).content.decode()
    assert "Encodage non reconnu" in page
    assert "Appliquer l&#x27;import" not in page and "Appliquer l'import" not in page


def test_applying_forgets_the_cached_preview(client_for, world):
    client = client_for("referent_a")
    upload = client.post(
        reverse("tenants:import"),
        {"slsp": world.slsp_a.pk, "file": SimpleUploadedFile("x.csv", csv_export(3))},
    )
    with scopes_disabled():
        job = ImportJob.objects.get()
    from django.core.cache import cache

    assert cache.get(services.preview_key(job)) is not None
    assert client.post(upload["Location"], {}).status_code == 302
    assert cache.get(services.preview_key(job)) is None
    with scope(slsp=[world.slsp_a.pk]):
        assert ImportJob.objects.get().status == ImportJob.Status.APPLIED
