"""GIN trigram index on the expression apps/collective/search.py searches (see
apps/core/search.py). An index only, outside Django's model state."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_search_extensions"),
        ("collective", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX collective_search_text ON accompaniment_collectiveaction "
            "USING gin ((search_fold(title || ' ' || district)) gin_trgm_ops)",
            "DROP INDEX IF EXISTS collective_search_text",
        )
    ]
