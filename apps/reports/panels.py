"""Home-page notice: the report of the semester that just ended is drafted and waits."""

from apps.core.periods import Semester
from apps.reports import queries
from apps.reports.models import EDITABLE_STATUSES


def semester_notice(request):
    user = request.user
    if not user.has_perm("reports.view_semester_reports"):
        return None
    period = Semester.last_ended()
    year, semester = period.year, period.half
    drafts = list(
        queries.semester_reports_for(user)
        .filter(year=year, semester=semester, status__in=EDITABLE_STATUSES)
        .order_by("slsp__official_name")
        .only("uuid", "slsp__official_name")
    )
    if not drafts:
        return None
    return {"drafts": drafts, "year": year, "semester": semester}
