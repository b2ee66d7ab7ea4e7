from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from apps.slsps.services import load_reference_slsps


class Command(BaseCommand):
    help = "Load the register of real SLSPs from fixtures/slsps.csv (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--file", default=str(Path(settings.BASE_DIR) / "fixtures" / "slsps.csv")
        )

    def handle(self, *args, file, **options):
        result = load_reference_slsps(Path(file))
        self.stdout.write(
            f"SLSP reference data: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged."
        )
