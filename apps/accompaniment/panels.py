"""The référent's work lists on the home page."""

from django.db.models import Count, Window

from apps.accompaniment import queries
from apps.core.permissions import allowed

LIMIT = 8


def work_lists(request):
    user = request.user
    if not allowed(user, "accompaniment.view_work_lists"):
        return None
    # Only the columns the two short lists show.
    welcome, welcome_count = _first_and_total(
        queries.first_year_without_welcome(user).only("uuid", "display_name", "reference")
    )
    stale, stale_count = _first_and_total(
        queries.stale_follow_ups(user).only(
            "objective", "household__uuid", "household__display_name", "household__reference"
        )
    )
    return {
        "welcome": welcome,
        "welcome_count": welcome_count,
        "stale": stale,
        "stale_count": stale_count,
    }


def _first_and_total(queryset):
    """The first LIMIT rows and the number of rows, in one query: the sort already
    reads every row, so COUNT(*) OVER () costs nothing where a separate count() ran
    the whole filter again."""
    rows = list(queryset.annotate(total=Window(Count("*")))[:LIMIT])
    return rows, (rows[0].total if rows else 0)
