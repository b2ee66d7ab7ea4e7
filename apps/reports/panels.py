"""Home-page notice: the report of the semester that just ended is drafted and waits."""

from django.utils import timezone

from apps.reports import queries
from apps.reports.indicators import previous_semester
from apps.reports.models import EDITABLE_STATUSES


def semester_notice(request):
    user = request.user
    if not user.has_perm("reports.view_semester_reports"):
        return None
    year, semester = previous_semester(timezone.localdate())
    drafts = list(
        queries.semester_reports_for(user)
        .filter(year=year, semester=semester, status__in=EDITABLE_STATUSES)
        .order_by("slsp__official_name")
        .only("uuid", "slsp__official_name")
    )
    if not drafts:
        return None
    return {"drafts": drafts, "year": year, "semester": semester}
