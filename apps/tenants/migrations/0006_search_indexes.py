"""GIN trigram indexes on the expressions apps/tenants/search.py searches (see
apps/core/search.py): the same expressions, written the same way, or PostgreSQL
cannot use them. Indexes only, outside Django's model state: the columns are unchanged."""

from django.db import migrations

INDEXES = {
    "household_search_text": (
        "tenants_household",
        "search_fold(display_name || ' ' || reference)",
    ),
    "household_search_ref": ("tenants_household", "search_compact(reference)"),
    "member_search_text": ("tenants_member", "search_fold(last_name || ' ' || first_name)"),
    "unit_search_text": (
        "tenants_housingunit",
        "search_fold(address || ' ' || postal_code || ' ' || commune)",
    ),
    "unit_search_compact": ("tenants_housingunit", "search_compact(address)"),
}


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_search_extensions"),
        ("tenants", "0005_french_labels"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX {name} ON {table} USING gin (({expression}) gin_trgm_ops)",
            f"DROP INDEX IF EXISTS {name}",
        )
        for name, (table, expression) in INDEXES.items()
    ]
