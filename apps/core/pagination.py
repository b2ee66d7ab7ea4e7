"""A paginator that reads a page and the total number of rows in one query.

Django's Paginator runs the list's filter twice: `count()`, then the slice. On a
searched household list the count cost as much as the page (19 ms of 34). Here the
page query carries `COUNT(*) OVER ()`: PostgreSQL has to read every matching row to
sort them anyway, so the total comes with it. An empty page (no rows, or a page
number past the end) falls back to Django's behaviour.
"""

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window

TOTAL = "window_total"
MAX_PAGE = 1_000_000


class CountedPaginator(Paginator):
    def get_page(self, number):
        rows = self._counted_rows(number)
        if not rows:
            return super().get_page(number)
        first = rows[0]
        self.count = first[TOTAL] if isinstance(first, dict) else getattr(first, TOTAL)
        return self._get_page(rows, int(number or 1), self)

    def _counted_rows(self, number):
        queryset = self.object_list
        if not isinstance(queryset, QuerySet) or queryset.query.distinct or self.orphans:
            return None
        try:
            number = int(number or 1)
        except (TypeError, ValueError):
            return None
        # Past any real list (and past PostgreSQL's bigint OFFSET): Django's checks.
        if not 1 <= number <= MAX_PAGE:
            return None
        bottom = (number - 1) * self.per_page
        return list(
            queryset.annotate(**{TOTAL: Window(Count("*"))})[bottom : bottom + self.per_page]
        )


def counted_page(queryset, number, per_page: int) -> Page:
    return CountedPaginator(queryset, per_page).get_page(number)
