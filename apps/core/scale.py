"""Regional-scale dataset plumbing: each app may ship `apps/<app>/scale.py` with `seed(ctx)`.

`manage.py seed_scale` calls them in INSTALLED_APPS order (base first), like the demo
data. Rows go in through PostgreSQL COPY, streamed from generators, with primary keys
chosen here (the next free id of each table), so an app can hand the apps above it
plain id ranges instead of lists of objects: memory stays flat at any scale.

Everything comes from one seeded RNG and a fixed reference day, so two runs on an
empty database produce the same rows, ids and UUIDs.
"""

from __future__ import annotations

import datetime
import random
import sys
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.db import DatabaseError, connection, models, transaction
from django.db.models.fields import NOT_PROVIDED

# The full regional dataset (scale 1.0); `--scale` multiplies the row counts.
FULL = {
    "slsps": 68,
    "households": 100_000,
    "follow_ups": 30_000,
    "moments": 1_000_000,
    "partners": 3_000,
    "referrals": 40_000,
    "collective_actions": 3_000,
    "calls": 10,
    "dossiers_per_call": 60,
    "jurors_per_call": 7,
}
# Never scaled down: the shape of the region and of a call stays the same.
FIXED = {"slsps", "calls", "dossiers_per_call", "jurors_per_call"}
SCALE_DOMAIN = "scale.slsp-referent.be"


# Floors for tiny scales: every SLSP's network holds its agreements' partners.
MINIMUM = {"partners": 10}


def scaled_counts(scale: float) -> dict[str, int]:
    return {
        key: value if key in FIXED else max(MINIMUM.get(key, 1), round(value * scale))
        for key, value in FULL.items()
    }


class Progress:
    """Plain stderr lines: readable in a terminal, a CI log or a redirected file."""

    def __init__(self, stream=None, quiet: bool = False):
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.started = time.perf_counter()

    def line(self, text: str) -> None:
        if not self.quiet:
            elapsed = time.perf_counter() - self.started
            self.stream.write(f"[{elapsed:7.1f}s] {text}\n")
            self.stream.flush()

    def counter(self, label: str, total: int, every: int = 100_000):
        """Wrap an iterator: print a line each `every` rows (copy_rows prints the end)."""

        def wrap(rows: Iterable) -> Iterator:
            for done, row in enumerate(rows, start=1):
                yield row
                if done % every == 0:
                    bar = "#" * (20 * done // max(total, 1))
                    self.line(f"{label:<22} [{bar:<20}] {done:>9,}/{total:,}")

        return wrap


@dataclass
class ScaleContext:
    scale: float = 1.0
    seed: int = 20260101
    today: datetime.date = field(default_factory=datetime.date.today)
    progress: Progress = field(default_factory=Progress)
    rng: random.Random = field(init=False)
    counts: dict = field(init=False)
    # Shared handles filled by the apps as they seed, for the apps above them.
    slsps: list = field(default_factory=list)  # [(slsp_id, name, commune, postal_code)]
    referents: dict = field(default_factory=dict)  # slsp_id -> [user_id, user_id]
    users: dict = field(default_factory=dict)  # role key -> [user_id, ...]
    extra: dict = field(default_factory=dict)
    inserted: dict = field(default_factory=dict)  # table -> rows

    def __post_init__(self):
        self.rng = random.Random(self.seed)
        self.counts = scaled_counts(self.scale)
        self.now = datetime.datetime.combine(self.today, datetime.time(9, 0), tzinfo=datetime.UTC)

    def uuid(self) -> uuid.UUID:
        """A version-4 UUID from the seeded RNG (uuid4() would break determinism)."""
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def days_ago(self, days: int) -> datetime.date:
        return self.today - datetime.timedelta(days=days)


def next_id(model) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{model._meta.db_table}"')  # noqa: S608
        return cursor.fetchone()[0]


def copy_rows(ctx: ScaleContext, model, columns: list[str], rows: Iterable, total: int = 0) -> int:
    """Stream `rows` (tuples in `columns` order) into the model's table with COPY.

    `columns` are field names (`household` for a foreign key becomes `household_id`);
    an M2M through table may be passed as a model too.
    """
    table = model._meta.db_table
    names = [model._meta.get_field(c).column for c in columns]
    fillers = _fillers(ctx, model, names)
    if fillers:
        # Columns added since this file was written get their model default.
        names += [column for column, _ in fillers]
        rows = (tuple(row) + tuple(make() for _, make in fillers) for row in rows)
    quoted = ", ".join(f'"{n}"' for n in names)
    sql = f'COPY "{table}" ({quoted}) FROM STDIN'
    rows = ctx.progress.counter(table, total)(rows) if total else rows
    written = 0
    connection.ensure_connection()
    with connection.connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)
            written += 1
    ctx.inserted[table] = ctx.inserted.get(table, 0) + written
    if "id" in names:
        reset_sequence(model)
    ctx.progress.line(f"{table:<22} done: {written:,} rows")
    return written


def _fillers(ctx, model, names):
    """(column, value maker) for NOT NULL columns the caller did not list."""
    fillers = []
    for f in model._meta.concrete_fields:
        if f.column in names or f.primary_key or f.null or f.db_default is not NOT_PROVIDED:
            continue
        if f.generated:  # computed by PostgreSQL
            continue
        if isinstance(f, models.UUIDField):
            fillers.append((f.column, ctx.uuid))
        elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            fillers.append((f.column, lambda: ctx.now))
        elif f.has_default():
            value = f.get_default()
            fillers.append((f.column, lambda value=value: value))
        elif f.blank and isinstance(f, models.CharField | models.TextField):
            fillers.append((f.column, lambda: ""))
        else:
            raise ValueError(f"{model.__name__}.{f.name}: no value and no default for COPY")
    return fillers


def reset_sequence(model) -> None:
    """Rows came with their ids: move the sequence past them for later ORM inserts."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        # The table name comes from the model's Meta, never from input.
        max_id = f'(SELECT MAX(id) FROM "{table}")'  # noqa: S608
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, 'id'), GREATEST({max_id}, 1))",  # noqa: S608
            [table],
        )


def spread(total: int, weights: list[float]) -> list[int]:
    """Split `total` into integer parts proportional to `weights` (exact sum)."""
    whole = sum(weights)
    parts = [int(total * w / whole) for w in weights]
    for i in range(total - sum(parts)):
        parts[i % len(parts)] += 1
    return parts


def fast_path(ctx) -> bool:
    """Inside the seeding transaction: skip row triggers (foreign-key checks and change
    history) for the COPYs. The rows are consistent by construction (the tests check
    the invariants) and `record_history` writes the history in one statement per
    table afterwards. Needs a superuser (the embedded server); otherwise rows go
    through the triggers, only slower."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
    except DatabaseError:
        ctx.progress.line("triggers stay on (no superuser): slower, same rows")
        return False
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
    return True


def record_history(ctx) -> None:
    """The insert event of every seeded row in its trigger-based history table
    (django-pghistory), as the triggers would have written it, set-based."""
    for event_model in apps.get_models():
        tracked = getattr(event_model, "pgh_tracked_model", None)
        if tracked is None or tracked._meta.db_table not in ctx.inserted:
            continue
        source = tracked._meta.db_table
        target = event_model._meta.db_table
        columns, values = [], []
        for f in event_model._meta.concrete_fields:
            if f.name == "pgh_id":
                continue
            columns.append(f'"{f.column}"')
            values.append(
                {
                    "pgh_created_at": "NOW()",
                    "pgh_label": "'insert'",
                    "pgh_obj": 't."id"',
                    "pgh_context": "NULL",
                }.get(f.name, f't."{f.column}"')
            )
        sql = (
            f'INSERT INTO "{target}" ({", ".join(columns)}) '  # noqa: S608
            f'SELECT {", ".join(values)} FROM "{source}" t '
            f'WHERE NOT EXISTS (SELECT 1 FROM "{target}" h WHERE h."pgh_obj_id" = t."id" '
            "AND h.\"pgh_label\" = 'insert')"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql)
            written = cursor.rowcount
        ctx.inserted[target] = ctx.inserted.get(target, 0) + written
        ctx.progress.line(f"{target:<22} history: {written:,} insert events")
