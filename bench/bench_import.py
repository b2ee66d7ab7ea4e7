"""Time the import of a 20,000-row rental-management export (dry run and apply).

Run: .venv/bin/python bench/bench_import.py [rows]   (uses a throwaway SLSP, then deletes it)
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "slsp_referent.settings")

import django  # noqa: E402

django.setup()

from django_scopes import scope, scopes_disabled  # noqa: E402

from apps.slsps.models import Slsp  # noqa: E402
from apps.tenants import importer  # noqa: E402

HEADER = (
    "reference;nom;prenom;annee_naissance;lien;adresse;code_postal;commune;cite;categorie;"
    "debut_bail;fin_bail;accompagne;public;langue"
)


def export(rows: int) -> bytes:
    lines = [HEADER]
    for i in range(rows):
        household = i // 2  # two members per household
        lines.append(
            f"BENCH-{household:06d};Nom{household};Prénom{i % 2};{1950 + i % 60};"
            f"{'titulaire' if i % 2 == 0 else 'enfant'};Rue du Banc {household};5000;Namur;"
            f"Cité {household % 12};social;01/0{1 + household % 9}/2020;;non;;fr"
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


def main():
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    data = export(rows)
    slsp = Slsp.objects.create(official_name="Banc d'essai (import)", is_demo=True)
    try:
        with scope(slsp=[slsp.pk]):
            t0 = time.perf_counter()
            parsed = importer.read_rows(data)
            t1 = time.perf_counter()
            plan = importer.plan(slsp, parsed)
            t2 = time.perf_counter()
            importer.apply(slsp, parsed)
            t3 = time.perf_counter()
            importer.apply(slsp, parsed)  # idempotent second run
            t4 = time.perf_counter()
        print(f"rows: {rows}  households: {len(plan.households)}")
        print(
            f"read {t1 - t0:.2f}s  dry run {t2 - t1:.2f}s  apply {t3 - t2:.2f}s "
            f"(target <= 60 s)  second apply {t4 - t3:.2f}s"
        )
    finally:
        with scopes_disabled():
            slsp.delete()


if __name__ == "__main__":
    main()
