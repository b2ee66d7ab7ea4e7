import datetime
import importlib
import time
from types import ModuleType

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django_scopes import scopes_disabled

from apps.core.scale import Progress, ScaleContext, fast_path, record_history

# The scale dataset must never land in the development database or a colleague's
# test database: only a database whose name says so.
ALLOWED_NAMES = ("slsp_scale", "test_")


class Command(BaseCommand):
    help = (
        "Create the regional-scale dataset (68 SLSPs, 100,000 households, 1,000,000 moments "
        "...) in a dedicated database such as slsp_scale; see bench/README in RESULTS.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="1.0 = the full region")
        parser.add_argument("--seed", type=int, default=20260101)
        parser.add_argument("--today", help="reference day (YYYY-MM-DD), default today")
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when the dataset exists"
        )
        parser.add_argument("--quiet", action="store_true", help="no progress lines")

    def handle(self, *args, scale, seed, today, if_empty, quiet, **options):
        name = connection.settings_dict["NAME"]
        if not name.startswith(ALLOWED_NAMES):
            raise CommandError(
                f"Refusing to write the scale dataset into database {name!r}: run it with "
                "DATABASE_URL pointing at slsp_scale (make bench does: bench/scale_env.py)."
            )
        if not 0 < scale <= 1.0:
            raise CommandError("--scale must be in (0, 1].")
        modules = scale_modules()
        with scopes_disabled():
            # The app that seeds a marker row says whether the dataset is there: the base
            # knows no app above it.
            if any(module.present() for module in modules if hasattr(module, "present")):
                if if_empty:
                    self.stdout.write("Scale dataset already present.")
                    return
                raise CommandError("The scale dataset is already in this database.")
        day = datetime.date.fromisoformat(today) if today else datetime.date.today()
        ctx = ScaleContext(scale=scale, seed=seed, today=day, progress=Progress(quiet=quiet))
        started = time.perf_counter()
        with scopes_disabled(), transaction.atomic():
            fast = fast_path(ctx)
            for module in modules:
                if hasattr(module, "seed"):
                    ctx.progress.line(f"-- {module.__name__.split('.')[1]}")
                    module.seed(ctx)
            if fast:
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL session_replication_role = DEFAULT")
                record_history(ctx)
        vacuum = not connection.in_atomic_block  # VACUUM cannot run in a transaction (tests)
        ctx.progress.line("-- VACUUM ANALYZE" if vacuum else "-- ANALYZE")
        with connection.cursor() as cursor:
            # Fresh statistics, or the planner would treat million-row tables as empty;
            # VACUUM sets the visibility map as autovacuum would have on tables years old,
            # so index-only scans do not read the heap.
            for table in sorted(ctx.inserted):
                cursor.execute(f'{"VACUUM ANALYZE" if vacuum else "ANALYZE"} "{table}"')
        elapsed = time.perf_counter() - started
        total = sum(ctx.inserted.values())
        self.stdout.write(
            f"Scale dataset ready: {total:,} rows in {elapsed:.1f} s (scale {scale}, seed {seed})."
        )
        if not quiet:
            for table, rows in sorted(ctx.inserted.items()):
                self.stdout.write(f"  {table:<40} {rows:>10,}")


def scale_modules() -> list[ModuleType]:
    """The `scale` module of each project app, in INSTALLED_APPS order (base first)."""
    modules = []
    for config in apps.get_app_configs():
        if not config.name.startswith("apps."):
            continue
        try:
            modules.append(importlib.import_module(f"{config.name}.scale"))
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.scale":
                raise
    return modules
