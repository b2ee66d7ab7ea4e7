"""Time the import of a 20,000-row rental-management export (dry run and apply), then a
re-import of the same export with 5 % of its households changed (a member left, a lease
start corrected, a first name's accent fixed), as the next month's export is.

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


def export(rows: int, changed_every: int = 0) -> bytes:
    """Two members per household; with `changed_every`, one household in that many is
    changed, in turn: its second member left, its lease start corrected, its head's
    first name accented."""
    lines = [HEADER]
    for i in range(rows):
        household = i // 2  # two members per household
        change = -1
        if changed_every and household % changed_every == 0:
            change = (household // changed_every) % 3
        if change == 0 and i % 2 == 1:
            continue  # the second member left
        first = f"Prénom{i % 2}"
        if change == 2 and i % 2 == 0:
            first = "Prénöm0"
        day = 15 if change == 1 else 1
        lines.append(
            f"BENCH-{household:06d};Nom{household};{first};{1950 + i % 60};"
            f"{'titulaire' if i % 2 == 0 else 'enfant'};Rue du Banc {household};5000;Namur;"
            f"Cité {household % 12};social;{day:02d}/0{1 + household % 9}/2020;;non;;fr"
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
            changed = importer.read_rows(export(rows, changed_every=20))  # 5 % of households
            t5 = time.perf_counter()
            replan = importer.plan(slsp, changed)
            t6 = time.perf_counter()
            importer.apply(slsp, changed)
            t7 = time.perf_counter()
        modified = replan.summary["update"]
        print(f"rows: {rows}  households: {len(plan.households)}")
        print(
            f"read {t1 - t0:.2f}s  dry run {t2 - t1:.2f}s  apply {t3 - t2:.2f}s "
            f"(target <= 60 s)  second apply {t4 - t3:.2f}s"
        )
        print(
            f"re-import with 5 % changes ({modified} households modified): read {t5 - t4:.2f}s  "
            f"dry run {t6 - t5:.2f}s  apply {t7 - t6:.2f}s"
        )
    finally:
        with scopes_disabled():
            slsp.delete()


if __name__ == "__main__":
    main()
