import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scope
from openpyxl import Workbook

from apps.tenants import importer
from apps.tenants.models import Household, ImportJob, Member, Tenancy

pytestmark = pytest.mark.django_db
SAMPLE = Path(settings.BASE_DIR) / "fixtures" / "export-gestion-locative.csv"
SAMPLE_XLSX = Path(settings.BASE_DIR) / "fixtures" / "export-gestion-locative.xlsx"
HEADER = (
    "reference;nom;prenom;annee_naissance;lien;adresse;code_postal;commune;cite;categorie;"
    "debut_bail;fin_bail;accompagne;public;langue"
)


def csv_bytes(*lines, encoding="utf-8"):
    return ("\n".join([HEADER, *lines]) + "\n").encode(encoding)


def state(slsp):
    with scope(slsp=[slsp.pk]):
        return (
            sorted(Household.objects.values_list("reference", "size", "language")),
            sorted(
                Tenancy.objects.values_list(
                    "household__reference", "start_date", "end_date", "category", "accompanied"
                )
            ),
            Member.objects.count(),
        )


def test_sample_dry_run_then_apply_is_idempotent(world):
    rows = importer.read_rows(SAMPLE.read_bytes())
    with scope(slsp=[world.slsp_a.pk]):
        plan = importer.plan(world.slsp_a, rows)
        # Households, not lines: 8 lines are 6 households.
        assert plan.summary["create"] == 6 and plan.summary["lines"] == 8
        assert plan.summary["reject"] == 0
        assert not Household.objects.exists()  # a dry run writes nothing
        importer.apply(world.slsp_a, rows)
    first = state(world.slsp_a)
    assert len(first[0]) == 6 and first[2] == 8
    with scope(slsp=[world.slsp_a.pk]):
        again = importer.plan(world.slsp_a, rows)
        assert again.summary["unchanged"] == 6
        importer.apply(world.slsp_a, rows)
    assert state(world.slsp_a) == first


@pytest.mark.parametrize("variant", ["cp1252-comma", "xlsx"])
def test_encodings_separators_and_xlsx_give_the_same_result(world, variant):
    if variant == "xlsx":
        data = SAMPLE_XLSX.read_bytes()
    else:
        data = SAMPLE.read_text(encoding="utf-8").replace(";", ",").encode("cp1252")
    with scope(slsp=[world.slsp_a.pk]):
        importer.apply(world.slsp_a, importer.read_rows(data))
    with scope(slsp=[world.slsp_b.pk]):
        importer.apply(world.slsp_b, importer.read_rows(SAMPLE.read_bytes()))
    assert state(world.slsp_a) == state(world.slsp_b)
    with scope(slsp=[world.slsp_a.pk]):
        assert (
            Household.objects.get(reference="B-2023-0417").members.get().first_name == "Jean-Paul"
        )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "vide"),
        (b"reference;nom\nx;y\n", "Colonnes obligatoires absentes"),
        ("ref\n".encode("utf-16"), "Encodage non reconnu"),
        (b"PK\x03\x04 not really a workbook", "illisible"),
    ],
)
def test_unreadable_files_get_a_french_message(data, message):
    with pytest.raises(importer.ImportFileError) as exc:
        importer.read_rows(data)
    assert message in str(exc.value)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (
            "R1;Dupont;Anne;1980;;Rue A 1;5000;Namur;;château;01/01/2024;;non;;fr",
            "catégorie inconnue",
        ),
        ("R1;Dupont;Anne;1980;;Rue A 1;5000;Namur;;social;31/02/2024;;non;;fr", "impossible"),
        ("R1;Dupont;Anne;1980;;Rue A 1;5000;Namur;;social;2024-01-01;;non;;fr", "jj/mm/aaaa"),
        (
            "R1;Dupont;Anne;1980;;Rue A 1;5000;Namur;;social;01/01/2024;01/01/2023;non;;fr",
            "précède",
        ),
        (
            "R1;Dupont;Anne;3020;;Rue A 1;5000;Namur;;social;01/01/2024;;non;;fr",
            "année de naissance",
        ),
        ("R1;Dupont;Anne;1980;;Rue A 1;50000;Namur;;social;01/01/2024;;non;;fr", "quatre chiffres"),
        (";Dupont;Anne;1980;;Rue A 1;5000;Namur;;social;01/01/2024;;non;;fr", "vide"),
    ],
)
def test_bad_rows_are_rejected_with_a_reason_and_nothing_written(world, line, reason):
    rows = importer.read_rows(csv_bytes(line))
    with scope(slsp=[world.slsp_a.pk]):
        result = importer.apply(world.slsp_a, rows)
        assert result.rows[0].action == "reject"
        assert any(reason in r for r in result.rows[0].reasons), result.rows[0].reasons
        assert not Household.objects.exists()


def test_a_household_is_imported_whole_or_not_at_all(world):
    rows = importer.read_rows(
        csv_bytes(
            "R1;Dupont;Anne;1980;titulaire;Rue A 1;5000;Namur;;social;01/01/2024;;non;;fr",
            "R1;Dupont;Eva;2010;enfant;Rue A 1;5000;Namur;;social;01/01/2024;;non;;fr",
            "R1;Dupont;Eva;2010;enfant;Rue A 1;5000;Namur;;social;01/01/2024;;non;;fr",
            "R2;Martin;Paul;1970;titulaire;Rue B 2;5000;Namur;;social;01/01/2024;;non;;fr",
            "R2;Martin;Lou;1975;conjointe;Rue C 9;5000;Namur;;social;01/01/2024;;non;;fr",
            "R3;Lemaire;Jo;1960;titulaire;Rue D 4;5000;Namur;;moyen;01/01/2024;;non;;fr",
        )
    )
    with scope(slsp=[world.slsp_a.pk]):
        result = importer.apply(world.slsp_a, rows)
        assert list(Household.objects.values_list("reference", flat=True)) == ["R3"]
    reasons = {r.line: r.reasons for r in result.rows if r.action == "reject"}
    assert "membre en double" in reasons[4]
    assert "contredit une ligne précédente du même bail" in reasons[6]
    assert "une autre ligne de ce bail est rejetée" in reasons[2]


def test_full_export_ends_missing_tenancies_only_after_confirmation(world):
    with scope(slsp=[world.slsp_a.pk]):
        importer.apply(world.slsp_a, importer.read_rows(SAMPLE.read_bytes()))
        partial = [line for line in SAMPLE.read_text().splitlines() if "B-2019-0733" not in line]
        rows = importer.read_rows("\n".join(partial).encode())
        result = importer.apply(world.slsp_a, rows, full=True, confirm_end=False)
        assert result.to_end == ["B-2019-0733"]
        assert Tenancy.objects.get(household__reference="B-2019-0733").end_date is None
        # One lease of five is above the 10 % share: the count must be typed back.
        importer.apply(world.slsp_a, rows, full=True, confirm_end=True, confirmed_count=1)
        assert Tenancy.objects.get(household__reference="B-2019-0733").end_date is not None


def test_upload_view_refuses_bad_files_without_saving_a_job(client_for, world):
    client = client_for("referent_a")
    response = client.post(
        reverse("tenants:import"),
        {"slsp": world.slsp_a.pk, "file": SimpleUploadedFile("x.csv", "ref\n".encode("utf-16"))},
    )
    assert response.status_code == 200
    assert "Encodage non reconnu" in response.content.decode()
    with scope(slsp=[world.slsp_a.pk]):
        assert not ImportJob.objects.exists()


def test_upload_view_refuses_a_foreign_slsp(client_for, world):
    client = client_for("referent_a")
    response = client.post(
        reverse("tenants:import"),
        {"slsp": world.slsp_b.pk, "file": SimpleUploadedFile("x.csv", SAMPLE.read_bytes())},
    )
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()


def test_upload_preview_apply_through_the_views(client_for, world):
    client = client_for("referent_a")
    response = client.post(
        reverse("tenants:import"),
        {"slsp": world.slsp_a.pk, "file": SimpleUploadedFile("export.csv", SAMPLE.read_bytes())},
    )
    assert response.status_code == 302
    preview = client.get(response["Location"])
    assert "à créer" in preview.content.decode()
    applied = client.post(response["Location"], {})
    assert applied.status_code == 302
    assert len(state(world.slsp_a)[0]) == 6
    # Applying the same job twice does nothing more.
    client.post(response["Location"], {})
    assert len(state(world.slsp_a)[0]) == 6


def test_twenty_thousand_rows_plan_in_a_bounded_number_of_queries(
    world, django_assert_max_num_queries
):
    lines = [
        f"R{i:05d};Nom{i};Prénom;1980;titulaire;Rue {i};5000;Namur;;social;01/01/2024;;non;;fr"
        for i in range(2000)
    ]
    rows = importer.read_rows(csv_bytes(*lines))
    with scope(slsp=[world.slsp_a.pk]), django_assert_max_num_queries(20):
        importer.apply(world.slsp_a, rows)
    assert len(state(world.slsp_a)[0]) == 2000


def test_xlsx_dates_as_cells_are_read(world):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(";"))
    import datetime

    sheet.append(
        [
            "R9",
            "Noël",
            "Zoé",
            1999,
            "titulaire",
            "Rue E 5",
            5000,
            "Namur",
            "",
            "transit",
            datetime.date(2025, 3, 1),
            None,
            "oui",
            "",
            "fr",
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    rows = importer.read_rows(buffer.getvalue())
    with scope(slsp=[world.slsp_a.pk]):
        importer.apply(world.slsp_a, rows)
        tenancy = Tenancy.objects.get()
    assert tenancy.start_date == datetime.date(2025, 3, 1) and tenancy.accompanied


def test_deleting_an_slsp_removes_its_tenant_data(world):
    with scope(slsp=[world.slsp_a.pk]):
        importer.apply(world.slsp_a, importer.read_rows(SAMPLE.read_bytes()))
    from django_scopes import scopes_disabled

    with scopes_disabled():
        world.slsp_a.delete()
        assert not Household.objects.exists() and not Tenancy.objects.exists()


def test_a_failed_apply_says_so_in_french_and_writes_nothing(client_for, world):
    client = client_for("referent_a")
    response = client.post(
        reverse("tenants:import"),
        {"slsp": world.slsp_a.pk, "file": SimpleUploadedFile("export.csv", SAMPLE.read_bytes())},
    )
    preview = response["Location"]
    # The stored file went bad after the preview: the apply fails inside its transaction.
    with scope(slsp=[world.slsp_a.pk]):
        ImportJob.objects.filter(slsp=world.slsp_a).update(data=b"")
    applied = client.post(preview, {}, follow=True)
    page = applied.content.decode()
    assert applied.status_code == 200
    assert "L&#x27;import a échoué et rien n&#x27;a été modifié." in page
    assert "Error" not in page  # no Python class name shown to the référent
    with scope(slsp=[world.slsp_a.pk]):
        assert ImportJob.objects.get(slsp=world.slsp_a).status == ImportJob.Status.FAILED
    assert state(world.slsp_a) == ([], [], 0)
