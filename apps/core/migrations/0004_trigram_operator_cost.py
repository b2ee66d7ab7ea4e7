"""Tell the planner what a typo test costs.

The searched text is stored folded (apps/core/search.py), so comparing a row is cheap,
except for pg_trgm's `%>` (word similarity): it splits the text into trigrams each time,
a few microseconds per row. Declared at the default cost of 1, the planner filtered
every row of an SLSP with it instead of reading the trigram index (2,450 households:
12 ms instead of 2); at 100, still the 6,000 members of the largest SLSP (11 ms instead
of 4.6 on the scale dataset). Where the extension's functions may not be altered (no owner
rights, as on some managed services), the default stays and searches are only slower.
"""

from django.db import migrations

COST = """
DO $do$ BEGIN
    ALTER FUNCTION {schema}.word_similarity_commutator_op(text, text) COST {cost};
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'word_similarity_commutator_op keeps its cost: not the owner';
END $do$;
"""


def _set_cost(schema_editor, cost: int) -> None:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'"
        )
        schema = cursor.fetchone()[0]
    schema_editor.execute(COST.format(schema=schema, cost=cost))


def expensive(apps, schema_editor):
    _set_cost(schema_editor, 1000)


def default(apps, schema_editor):
    _set_cost(schema_editor, 1)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_search_extensions")]

    operations = [migrations.RunPython(expensive, default)]
