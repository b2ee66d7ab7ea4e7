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


def agenda_work_list(request):
    """The day's work list: today's and overdue appointments, overdue next steps and the
    households concerned by works, each a count with its first rows and a link."""
    from apps.accompaniment import agenda

    user = request.user
    if not allowed(user, "accompaniment.view_agenda"):
        return None
    columns = ("uuid", "date", "time", "kind", "household__uuid", "household__reference")
    today, today_count = _first_and_total(
        agenda.appointments_today(user)
        .select_related("household")
        .only(*columns)
        .order_by("time", "pk")
    )
    overdue, overdue_count = _first_and_total(
        agenda.overdue_appointments(user)
        .select_related("household")
        .only(*columns)
        .order_by("date", "pk")
    )
    steps, steps_count = _first_and_total(
        agenda.overdue_next_steps(user)
        .select_related("household")
        .only("next_step", "next_step_due", "household__uuid", "household__reference")
    )
    # Most days no works are ongoing: then the households need not be read at all.
    works_count = (
        queries.households_in_works(user).count() if queries.ongoing_works(user).exists() else 0
    )
    return {
        "today": today,
        "today_count": today_count,
        "overdue": overdue,
        "overdue_count": overdue_count,
        "steps": steps,
        "steps_count": steps_count,
        "works_count": works_count,
        "can_act": agenda.may_act(user),
    }
