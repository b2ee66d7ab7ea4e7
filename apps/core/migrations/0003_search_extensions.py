"""pg_trgm and unaccent for the search, and two IMMUTABLE wrappers that indexes can use.

unaccent() is only STABLE (its dictionary could change), so an index cannot call it
directly. `search_fold(text)` is the text as every search compares it (no accents,
lower case); `search_compact(text)` is a reference or house number written without
spaces, dashes or leading zeros ("ARL-0012 b" and "arl12B" give "arl12b"). Every name
inside is schema-qualified: index maintenance runs with a restricted search_path.
"""

from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations

# unaccent(regdictionary, text) is STABLE only because its dictionary could change; we
# declare the same C function IMMUTABLE (the common practice for indexing unaccented
# text). Where creating a C function is not allowed (no superuser), a SQL wrapper does
# the same, more slowly: it cannot be inlined. The bodies are SQL-standard (RETURN):
# parsed once, so the dictionary is a constant and search_fold() is inlined.
UNACCENT = """
DO $do$ BEGIN
    CREATE OR REPLACE FUNCTION {schema}.search_unaccent(regdictionary, text) RETURNS text
        LANGUAGE c IMMUTABLE PARALLEL SAFE STRICT AS '$libdir/unaccent', 'unaccent_dict';
EXCEPTION WHEN insufficient_privilege THEN
    CREATE OR REPLACE FUNCTION {schema}.search_unaccent(dictionary regdictionary, value text)
        RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
        RETURN {unaccent}.unaccent(dictionary, value);
END $do$;
-- Unaccenting costs far more than comparing: told so, the planner prefers the trigram
-- indexes to folding every row of an SLSP.
ALTER FUNCTION {schema}.search_unaccent(regdictionary, text) COST 100;
"""
FUNCTIONS = """
CREATE OR REPLACE FUNCTION {schema}.search_fold(value text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN lower({schema}.search_unaccent(regdictionary '{unaccent}.unaccent', value));
CREATE OR REPLACE FUNCTION {schema}.search_compact(value text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN regexp_replace(
        regexp_replace({schema}.search_fold(value), '(^|[^0-9])0+([0-9])', '\\1\\2', 'g'),
        '[^a-z0-9]+', '', 'g');
"""


def create_functions(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        schema = cursor.fetchone()[0]
        cursor.execute(
            "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'unaccent'"
        )
        unaccent = cursor.fetchone()[0]
    schema_editor.execute(UNACCENT.format(schema=schema, unaccent=unaccent))
    schema_editor.execute(FUNCTIONS.format(schema=schema, unaccent=unaccent))


def drop_functions(apps, schema_editor):
    schema_editor.execute(
        "DROP FUNCTION IF EXISTS search_compact(text); DROP FUNCTION IF EXISTS search_fold(text); "
        "DROP FUNCTION IF EXISTS search_unaccent(regdictionary, text);"
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0002_outbound_email")]

    operations = [
        TrigramExtension(),
        UnaccentExtension(),
        migrations.RunPython(create_functions, drop_functions),
    ]
