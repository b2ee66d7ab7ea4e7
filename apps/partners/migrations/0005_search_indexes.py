"""GIN trigram index on the expression apps/partners/search.py searches (see
apps/core/search.py). An index only, outside Django's model state."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_search_extensions"),
        ("partners", "0004_french_labels"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX partner_search_text ON partners_partner "
            "USING gin ((search_fold(name || ' ' || commune)) gin_trgm_ops)",
            "DROP INDEX IF EXISTS partner_search_text",
        )
    ]
