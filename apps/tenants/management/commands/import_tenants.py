"""Import a rental-management export without a browser, with the page's rules and output.

    manage.py import_tenants <SLSP uuid, short or official name> FILE
        [--dry-run] [--full-export] [--close N] [--sheet NAME]

--dry-run shows what the import would do and writes nothing. With --full-export, the
current leases missing from the file are closed only with --close N, N being their
number as the dry run shows it. The job is kept and its changes recorded, as from the
page; rejected lines are listed with the spreadsheet's line numbers.
"""

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q
from django_scopes import scope

from apps.slsps.models import Slsp
from apps.tenants import importer, services
from apps.tenants.models import ImportJob


class Command(BaseCommand):
    help = "Importer un export de la gestion locative (essai à blanc avec --dry-run)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slsp", help="UUID, nom court ou dénomination de la SLSP.")
        parser.add_argument("file", help="Fichier CSV, XLSX ou ODS.")
        parser.add_argument("--dry-run", action="store_true", help="Ne rien enregistrer.")
        parser.add_argument(
            "--full-export", action="store_true", help="Export complet : baux absents clôturés."
        )
        parser.add_argument(
            "--close",
            type=int,
            default=None,
            metavar="N",
            help="Confirme la clôture des N baux absents de l'export complet.",
        )
        parser.add_argument("--sheet", default="", help="Feuille du classeur à lire.")

    def handle(self, *args: Any, **options: Any) -> None:
        slsp = self._slsp(options["slsp"])
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Fichier illisible : {path}") from exc
        full = options["full_export"]
        with scope(slsp=[slsp.pk]):
            try:
                if options["dry_run"]:
                    rows = importer.read_rows(data, path.name, sheet=options["sheet"])
                    preview = services.preview_of(importer.plan(slsp, rows, full=full))
                    self._report(preview, past=False)
                    self.stdout.write("Essai à blanc : rien n'a été enregistré.")
                    return
                job = services.create_import_job(
                    user=None,
                    slsp=slsp,
                    filename=path.name,
                    data=data,
                    full_export=full,
                    sheet=options["sheet"],
                )
            except importer.ImportFileError as exc:
                raise CommandError(str(exc)) from exc
            preview = services.job_preview(job)
            closing = options["close"] is not None
            try:
                services.check_confirmation(
                    job, confirm_end=closing, confirm_end_count=options["close"]
                )
                if closing and options["close"] != len(preview.to_end):
                    raise ValidationError(
                        f"--close {options['close']} : l'export complet clôturerait "
                        f"{len(preview.to_end)} baux."
                    )
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
            job = services.apply_job(
                job.pk, confirm_end=closing, confirm_end_count=options["close"]
            )
            if job.status != ImportJob.Status.APPLIED:
                raise CommandError(job.error)
            self._report(preview, past=True, ended=job.summary.get("ended", 0))
            self.stdout.write(f"Import appliqué (job {job.uuid}).")

    def _slsp(self, text: str) -> Slsp:
        lookup = Q(official_name=text) | Q(short_name=text)
        try:
            lookup |= Q(uuid=text) if len(text) == 36 else Q()
            return Slsp.objects.get(lookup)
        except (Slsp.DoesNotExist, Slsp.MultipleObjectsReturned, ValidationError) as exc:
            raise CommandError(f"SLSP introuvable ou ambiguë : {text}") from exc

    def _report(self, preview: services.Preview, *, past: bool, ended: int = 0) -> None:
        s = preview.summary
        if past:
            self.stdout.write(
                f"Ménages créés : {s['create']}, modifiés : {s['update']}, "
                f"inchangés : {s['unchanged']} ; lignes rejetées : {s['reject']} ; "
                f"baux clôturés : {ended}"
            )
        else:
            self.stdout.write(
                f"Ménages à créer : {s['create']}, à modifier : {s['update']}, "
                f"inchangés : {s['unchanged']} ; lignes rejetées : {s['reject']}"
            )
        for household in preview.households:
            if household.action == "unchanged":
                continue
            place = f"{household.address}, {household.postal_code} {household.commune}"
            flag = " [hors territoire]" if household.outside_territory else ""
            match = f" (= {household.stored_reference})" if household.stored_reference else ""
            self.stdout.write(
                f"{household.action_label} : {household.reference}{match} "
                f"{household.name} — {place}{flag}"
            )
            for subject, field, old, new, kind in household.changes:
                if kind == "modified":
                    self.stdout.write(f"    {subject}, {field} modifié : {old} → {new}")
                else:
                    self.stdout.write(f"    {subject} : {field}" + (f" ({new})" if new else ""))
        for row in preview.rows:
            self.stdout.write(
                f"ligne {row.line} rejetée ({row.reference or '—'}) : {'; '.join(row.reasons)}"
            )
        if preview.to_end:
            total = s.get("current_leases", 0)
            self.stdout.write(
                f"Baux en cours absents de l'export complet : {len(preview.to_end)} sur {total} : "
                + ", ".join(preview.to_end)
            )
            if not past:
                self.stdout.write(f"Pour les clôturer : --close {len(preview.to_end)}")
