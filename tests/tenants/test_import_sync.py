"""The import as a sync a data steward trusts: re-imports correct, identities survive
spreadsheets, the reader refuses rather than guesses, the preview shows households.
One test (at least) per "wrong today" line; every file is built here."""

from __future__ import annotations

import datetime
import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scope, scopes_disabled
from openpyxl.styles import Border, PatternFill, Side

from apps.tenants import importer, queries, services
from apps.tenants.models import Household, ImportJob, Member, Tenancy

pytestmark = pytest.mark.django_db
HEADER = [
    *("reference", "nom", "prenom", "annee_naissance", "lien", "adresse", "code_postal"),
    *("commune", "cite", "categorie", "debut_bail", "fin_bail", "accompagne", "public"),
    "langue",
]


def line(ref="R1", last="Dupont", first="Anne", year="1980", relation="titulaire", **kw):
    values = {
        "reference": ref,
        "nom": last,
        "prenom": first,
        "annee_naissance": year,
        "lien": relation,
        "adresse": kw.get("address", "Rue A 1"),
        "code_postal": kw.get("postal", "5000"),
        "commune": kw.get("commune", "Namur"),
        "cite": "",
        "categorie": kw.get("category", "social"),
        "debut_bail": kw.get("start", "01/01/2020"),
        "fin_bail": kw.get("end", ""),
        "accompagne": "non",
        "public": "",
        "langue": "fr",
    }
    return [values[h] for h in HEADER]


def csv_file(*lines, header=HEADER, sep=";"):
    return ("\n".join(sep.join(v) for v in [header, *lines]) + "\n").encode()


def load(slsp, data, **kwargs):
    with scope(slsp=[slsp.pk]):
        return importer.apply(slsp, importer.read_rows(data), **kwargs)


def dry(slsp, data, **kwargs):
    with scope(slsp=[slsp.pk]):
        return importer.plan(slsp, importer.read_rows(data), **kwargs)


def refusal(data, **kwargs):
    with pytest.raises(importer.ImportFileError) as exc:
        importer.read_rows(data, **kwargs)
    return str(exc.value)


FAMILY = [
    line("R1", "Dupont", "Anne", "1980"),
    line("R1", "Dupont", "Eva", "2010", "enfant"),
]


# --- Corrections never arrive --------------------------------------------------------


def test_a_member_who_left_is_ended_not_kept_current_and_the_next_import_agrees(world):
    slsp = world.slsp_a
    load(slsp, csv_file(*FAMILY))
    result = load(slsp, csv_file(FAMILY[0]))
    with scope(slsp=[slsp.pk]):
        household = Household.objects.get()
        assert household.size == 1
        members = {m.first_name: m.left_on for m in Member.objects.all()}
        assert members["Anne"] is None
        assert members["Eva"] is not None  # ended, kept in the history
        current = [m for m in queries.member_rows(household) if m["left_on"] is None]
        assert [m["first_name"] for m in current] == ["Anne"]
    assert result.plans[0].action == "update"
    assert any("a quitté le ménage" in c.field for c in result.plans[0].changes)
    assert dry(slsp, csv_file(FAMILY[0])).plans[0].action == "unchanged"


def test_a_corrected_lease_start_in_the_same_unit_corrects_the_lease(world):
    slsp = world.slsp_a
    load(slsp, csv_file(line(start="01/01/2020")))
    result = load(slsp, csv_file(line(start="15/01/2020")))
    with scope(slsp=[slsp.pk]):
        assert list(Tenancy.objects.values_list("start_date", "end_date")) == [
            (datetime.date(2020, 1, 15), None)
        ]
    change = result.plans[0].changes[0]
    assert (change.field, change.old, change.new) == ("début du bail", "01/01/2020", "15/01/2020")
    assert dry(slsp, csv_file(line(start="15/01/2020"))).plans[0].action == "unchanged"


def test_a_first_name_whose_accent_is_fixed_is_corrected_in_place(world):
    slsp = world.slsp_a
    load(slsp, csv_file(line(first="Helene")))
    result = load(slsp, csv_file(line(first="Hélène")))
    with scope(slsp=[slsp.pk]):
        assert list(Member.objects.values_list("first_name", "left_on")) == [("Hélène", None)]
        assert Household.objects.get().display_name == "Dupont Hélène"
    fields = {(c.field, c.old, c.new) for c in result.plans[0].changes}
    assert ("prénom", "Helene", "Hélène") in fields


def test_the_changes_are_recorded_in_the_import_history(client_for, world):
    client = client_for("referent_a")
    for data in (csv_file(*FAMILY), csv_file(line(first="Anné", start="02/01/2020"))):
        upload = client.post(
            reverse("tenants:import"),
            {"slsp": world.slsp_a.pk, "file": SimpleUploadedFile("export.csv", data)},
        )
        preview = client.get(upload["Location"]).content.decode()
        client.post(upload["Location"], {})
    assert "début du bail modifié : 01/01/2020 → 02/01/2020" in preview
    from apps.tenants.models import ImportChange

    with scope(slsp=[world.slsp_a.pk]):
        job = ImportJob.objects.order_by("-created_at").first()
        changes = {(c.kind, c.field, c.old, c.new) for c in ImportChange.objects.filter(job=job)}
    assert ("modified", "prénom", "Anne", "Anné") in changes
    assert ("modified", "début du bail", "01/01/2020", "02/01/2020") in changes
    assert any(kind == "ended" and field == "a quitté le ménage" for kind, field, *_ in changes)
    page = client.get(reverse("tenants:import_preview", kwargs={"uuid": job.uuid}))
    text = page.content.decode()
    assert "Ménages modifiés" in text and "prénom modifié : Anne → Anné" in text


# --- Same household twice ------------------------------------------------------------


@pytest.mark.parametrize(("first", "second"), [("009901", "9901"), ("b-2023-x", "B-2023-X")])
def test_a_reference_that_lost_its_zeros_or_case_is_the_same_household(world, first, second):
    slsp = world.slsp_a
    load(slsp, csv_file(line(first)))
    preview = dry(slsp, csv_file(line(second)))
    assert preview.plans[0].action == "unchanged"
    assert preview.plans[0].stored_reference == first  # shown as a match
    load(slsp, csv_file(line(second, start="02/01/2020")))
    with scope(slsp=[slsp.pk]):
        assert Household.objects.count() == 1
        assert Tenancy.objects.count() == 1


def test_two_spellings_of_one_reference_in_one_file_reject_the_lines(world):
    result = dry(world.slsp_a, csv_file(line("009901"), line("9901", first="Eva")))
    assert [r.action for r in result.rows] == ["reject", "reject"]
    assert "désignent le même ménage" in " ".join(result.rows[0].reasons)


# --- A stray quote swallows rows -------------------------------------------------------


def test_an_unclosed_quote_refuses_the_file_naming_line_and_column(world):
    lines = [";".join(line(f"R{i}", address=f"Rue {i}")) for i in range(6)]
    lines[2] = lines[2].replace("Rue 2", '"Rue 2')
    data = ("\n".join([";".join(HEADER), *lines]) + "\n").encode()
    message = refusal(data)
    assert "Ligne 4" in message and "« adresse »" in message and "guillemet" in message


def test_a_full_export_never_closes_a_lease_present_in_the_file_even_rejected(world):
    slsp = world.slsp_a
    load(slsp, csv_file(*[line(f"R{i}", address=f"Rue {i}") for i in range(20)]))
    # R0 is rejected (bad date) but named: its lease is not closed.
    kept = [line("R0", start="31/02/2020", address="Rue 0")]
    kept += [line(f"R{i}", address=f"Rue {i}") for i in range(1, 19)]
    result = dry(slsp, csv_file(*kept), full=True)
    assert result.to_end == ["R19"]
    assert not result.needs_count_confirmation  # 1 of 20 is within 10 %


def test_closing_more_than_the_share_needs_the_count_typed(world, client_for, settings):
    settings.TENANT_IMPORT_MAX_CLOSE_SHARE = 0.10
    slsp = world.slsp_a
    load(slsp, csv_file(*[line(f"R{i}", address=f"Rue {i}") for i in range(20)]))
    partial = csv_file(*[line(f"R{i}", address=f"Rue {i}") for i in range(15)])
    with pytest.raises(importer.ImportRefused):
        load(slsp, partial, full=True, confirm_end=True)
    with pytest.raises(importer.ImportRefused):
        load(slsp, partial, full=True, confirm_end=True, confirmed_count=4)
    with scope(slsp=[slsp.pk]):
        assert not Tenancy.objects.filter(end_date__isnull=False).exists()
    # Through the page: the count is shown and must be typed back.
    client = client_for("referent_a")
    upload = client.post(
        reverse("tenants:import"),
        {
            "slsp": slsp.pk,
            "full_export": "on",
            "file": SimpleUploadedFile("export.csv", partial),
        },
    )
    page = client.get(upload["Location"]).content.decode()
    assert "5 sur 20" in page
    refused = client.post(upload["Location"], {"confirm_end": "on", "confirm_end_count": "4"})
    assert refused.status_code == 200
    assert "Tapez 5 pour confirmer" in refused.content.decode()
    with scope(slsp=[slsp.pk]):
        assert not Tenancy.objects.filter(end_date__isnull=False).exists()
    client.post(upload["Location"], {"confirm_end": "on", "confirm_end_count": "5"})
    with scope(slsp=[slsp.pk]):
        assert Tenancy.objects.filter(end_date__isnull=False).count() == 5


# --- Two columns for one field ------------------------------------------------------------


def test_two_columns_for_one_field_refuse_the_file():
    header = [*HEADER, "rue"]
    message = refusal(csv_file([*line(), "Rue B 2"], header=header))
    assert "« adresse » et « rue »" in message


def test_an_entree_column_is_not_the_lease_start(world):
    header = [*HEADER, "Entrée"]
    result = load(world.slsp_a, csv_file([*line(start="01/02/2021"), "B"], header=header))
    assert result.summary["create"] == 1
    with scope(slsp=[world.slsp_a.pk]):
        assert Tenancy.objects.get().start_date == datetime.date(2021, 2, 1)
    # "Date d'entrée" does say it is the lease start.
    header = [("Date d'entrée" if h == "debut_bail" else h) for h in HEADER]
    assert importer.read_rows(csv_file(line(start="01/02/2021"), header=header))[0][
        "debut_bail"
    ] == ("01/02/2021")


# --- Too long for the database --------------------------------------------------------------


def test_a_value_longer_than_its_column_rejects_the_line_in_the_preview(world):
    data = csv_file(line("R1", address="Rue " + "x" * 300), line("R2", address="Rue B"))
    result = dry(world.slsp_a, data)
    assert result.rows[0].action == "reject"
    assert "« adresse » dépasse 250 caractères" in " ".join(result.rows[0].reasons)
    load(world.slsp_a, data)  # the apply does not fail: the other household is imported
    with scope(slsp=[world.slsp_a.pk]):
        assert list(Household.objects.values_list("reference", flat=True)) == ["R2"]


@pytest.mark.parametrize("start", ["01/01/1850", "01/01/2999"])
def test_a_date_outside_sane_bounds_rejects_the_line(world, start):
    result = dry(world.slsp_a, csv_file(line(start=start)))
    assert result.rows[0].action == "reject"
    assert "hors des limites plausibles" in " ".join(result.rows[0].reasons)


# --- Messages ----------------------------------------------------------------------------


def test_line_numbers_are_the_spreadsheets_after_blank_lines(world):
    data = ";".join(HEADER) + "\n\n" + ";".join(line()) + "\n\n\n" + ";".join(line("R2", year="x"))
    result = dry(world.slsp_a, (data + "\n").encode())
    assert [(r.line, r.action) for r in result.rows] == [(3, "create"), (6, "reject")]


def test_every_rejected_line_is_in_the_preview_paginated(client_for, world):
    bad = [line(f"R{i}", year="abc", address=f"Rue {i}") for i in range(1100)]
    client = client_for("referent_a")
    upload = client.post(
        reverse("tenants:import"),
        {"slsp": world.slsp_a.pk, "file": SimpleUploadedFile("x.csv", csv_file(*bad))},
    )
    with scope(slsp=[world.slsp_a.pk]):
        preview = services.job_preview(ImportJob.objects.get())
    assert len(preview.rows) == 1100
    last = client.get(upload["Location"], {"rejets": 22}).content.decode()
    assert "R1099" in last and '<td class="num">1101</td>' in last


def _xlsx(sheets: dict[str, list[list]], style_rows: int = 0, merge: list[str] = ()) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
        for r in range(len(rows) + 1, len(rows) + 1 + style_rows):
            for c in range(1, len(HEADER) + 1):
                cell = sheet.cell(row=r, column=c)
                cell.fill = PatternFill("solid", fgColor="FFFF00")
                cell.border = Border(bottom=Side(style="thin"))
                cell.number_format = "dd/mm/yyyy"
        for ref in merge:
            sheet.merge_cells(ref)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_empty_formatted_xlsx_rows_are_not_rejected(world):
    # A template sheet: formatted rows below the data, a numbering column filled ahead.
    rows = [[*HEADER, "N°"], [*line(), 1], *([None] * len(HEADER) + [n] for n in range(2, 30))]
    data = _xlsx({"Export": rows}, style_rows=30)
    result = dry(world.slsp_a, data)
    assert result.summary["reject"] == 0 and result.summary["create"] == 1


def test_merged_cells_count_for_every_member_as_the_user_sees_them(world):
    rows = [HEADER, line("R1", first="Anne"), line("", "Dupont", "Eva", "2010", "enfant")]
    for column in range(len(HEADER)):
        if HEADER[column] not in ("nom", "prenom", "annee_naissance", "lien"):
            rows[2][column] = None
    merged = [f"{letter}2:{letter}3" for letter in "AFGHIJKLMNO"]
    load(world.slsp_a, _xlsx({"Export": rows}, merge=merged))
    with scope(slsp=[world.slsp_a.pk]):
        assert Household.objects.get().size == 2
        assert sorted(Member.objects.values_list("first_name", flat=True)) == ["Anne", "Eva"]


def test_a_tab_separated_file_is_read(world):
    result = dry(world.slsp_a, csv_file(line(), sep="\t"))
    assert result.summary["create"] == 1


def test_the_data_sheet_need_not_be_the_first(world):
    data = _xlsx({"Notes": [["Export du 01/03/2025"]], "Locataires": [HEADER, line()]})
    assert dry(world.slsp_a, data).summary["create"] == 1
    assert "feuille « Autre »" in refusal(data, sheet="Autre")
    assert len(importer.read_rows(data, sheet="locataires")) == 1


def test_an_xls_file_is_refused_with_what_to_do():
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    message = refusal(data, filename="export.xls")
    assert ".xlsx" in message and "Colonnes obligatoires" not in message


def _ods(rows: list[list[str]]) -> bytes:
    def cell(value: str) -> str:
        if not value:
            return "<table:table-cell/>"
        return (
            '<table:table-cell office:value-type="string">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )

    body = "".join(
        "<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>" for row in rows
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Export">'
        f"{body}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2"><manifest:file-entry manifest:full-path="/"'
        ' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED
        )
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def test_an_ods_file_is_read(world):
    result = dry(world.slsp_a, _ods([HEADER, line(), line("R2", first="Zoé", address="Rue B")]))
    assert result.summary["create"] == 2
    assert [r.line for r in result.rows] == [2, 3]


def test_an_excel_serial_date_is_converted(world):
    result = load(world.slsp_a, csv_file(line(start="43831")))  # 01/01/2020
    assert result.summary["create"] == 1
    with scope(slsp=[world.slsp_a.pk]):
        assert Tenancy.objects.get().start_date == datetime.date(2020, 1, 1)


def test_csv_errors_are_in_french():
    # A quoted field that grows past the csv module's field limit over many short lines.
    lines = [";".join(HEADER), ";".join(line())[:-3] + '"' + "x" * 9000]
    lines += ["x" * 9000] * 20
    message = refusal(("\n".join(lines) + "\n").encode())
    assert "field" not in message and "ligne" in message.lower()


def test_the_preview_shows_people_households_and_flags_communes_outside_the_territory(
    client_for, world
):
    with scopes_disabled():
        world.slsp_a.communes_served = ["Namur"]
        world.slsp_a.save()
    data = csv_file(*FAMILY, line("R2", "Martin", "Paul", address="Rue B 2", commune="Arlon"))
    client = client_for("referent_a")
    upload = client.post(
        reverse("tenants:import"),
        {"slsp": world.slsp_a.pk, "file": SimpleUploadedFile("x.csv", data)},
    )
    response = client.get(upload["Location"])
    page = response.content.decode()
    assert response.context["summary"]["create"] == 2  # households, not lines
    assert "Dupont Anne" in page and "Dupont Eva" in page.replace("Anne Dupont, ", "Dupont ")
    assert "Rue A 1, 5000 Namur" in page and "Social" in page
    assert "hors territoire" in page and response.context["summary"]["outside_territory"] == 1


def test_apply_is_disabled_when_every_line_is_rejected(client_for, world):
    client = client_for("referent_a")
    upload = client.post(
        reverse("tenants:import"),
        {"slsp": world.slsp_a.pk, "file": SimpleUploadedFile("x.csv", csv_file(line(year="x")))},
    )
    page = client.get(upload["Location"]).content.decode()
    assert "disabled" in page and "Rien à appliquer" in page
    client.post(upload["Location"], {})
    with scope(slsp=[world.slsp_a.pk]):
        assert ImportJob.objects.get().status == ImportJob.Status.PREVIEWED


def test_the_preview_page_has_a_bounded_number_of_queries(
    client_for, world, django_assert_max_num_queries
):
    client = client_for("referent_a")
    data = csv_file(*[line(f"R{i}", address=f"Rue {i}") for i in range(300)])
    upload = client.post(
        reverse("tenants:import"),
        {"slsp": world.slsp_a.pk, "file": SimpleUploadedFile("x.csv", data)},
    )
    with django_assert_max_num_queries(15):
        client.get(upload["Location"])
    client.post(upload["Location"], {})
    with django_assert_max_num_queries(15):
        client.get(upload["Location"])


def test_an_unknown_sheet_is_a_french_error_that_keeps_what_was_typed(client_for, world):
    data = _xlsx({"Locataires": [HEADER, line()]})
    client = client_for("referent_a")
    response = client.post(
        reverse("tenants:import"),
        {
            "slsp": world.slsp_a.pk,
            "sheet": "Feuil9",
            "file": SimpleUploadedFile("export.xlsx", data),
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "pas de feuille « Feuil9 » (feuilles : Locataires)" in page
    assert 'value="Feuil9"' in page
    with scope(slsp=[world.slsp_a.pk]):
        assert not ImportJob.objects.exists()
