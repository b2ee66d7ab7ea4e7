"""CountedPaginator gives the same pages as Django's Paginator, in one query."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core.pagination import CountedPaginator
from apps.slsps.models import Slsp
from tests.slsps.factories import SlspFactory

pytestmark = pytest.mark.django_db


def _shape(page):
    return (
        [s.pk for s in page],
        page.number,
        page.paginator.count,
        page.paginator.num_pages,
        page.has_next(),
        page.has_previous(),
        page.start_index(),
        page.end_index(),
    )


@pytest.mark.parametrize(
    "number", [None, "", "1", 2, "3", "4", "99", "0", "-2", "abc", 2.0, "9" * 30, "1e9"]
)
def test_same_pages_as_django(number):
    for i in range(7):
        SlspFactory(official_name=f"Pagination {i}")
    queryset = Slsp.objects.filter(official_name__startswith="Pagination").order_by("pk")
    expected = _shape(Paginator(queryset, 3).get_page(number))
    assert _shape(CountedPaginator(queryset, 3).get_page(number)) == expected


def test_one_query_for_a_page_and_the_total():
    for i in range(5):
        SlspFactory(official_name=f"Pagination {i}")
    queryset = Slsp.objects.filter(official_name__startswith="Pagination").order_by("pk")
    with CaptureQueriesContext(connection) as captured:
        page = CountedPaginator(queryset, 2).get_page("2")
        assert len(list(page)) == 2
        assert page.paginator.count == 5
    assert len(captured) == 1
    assert "OVER ()" in captured[0]["sql"]


def test_empty_and_values_querysets():
    empty = Slsp.objects.filter(official_name="personne").order_by("pk")
    assert _shape(CountedPaginator(empty, 3).get_page(1)) == _shape(Paginator(empty, 3).get_page(1))
    for i in range(4):
        SlspFactory(official_name=f"Pagination {i}")
    values = Slsp.objects.filter(official_name__startswith="Pagination").order_by("pk").values("pk")
    page = CountedPaginator(values, 3).get_page(2)
    assert page.paginator.count == 4
    assert [row["pk"] for row in page] == [row["pk"] for row in values][3:]
