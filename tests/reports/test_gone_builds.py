"""A build task whose report was deleted while it waited in the queue (a stale message
after a purge or a reset database) logs a warning and does nothing: no traceback, no
retries."""

import logging

import pytest

from apps.reports import tasks

pytestmark = pytest.mark.django_db


def test_a_deleted_semester_build_is_skipped(world, caplog):
    with caplog.at_level(logging.WARNING, logger="apps.reports.services"):
        assert tasks.build_semester_report(987654, world.slsp_a.pk) == "gone"
    assert "987654 no longer exists" in caplog.text


def test_a_deleted_regional_report_is_skipped(caplog):
    with caplog.at_level(logging.WARNING, logger="apps.reports.regional_report"):
        assert tasks.build_regional_report(987654) == "skipped"
    assert "987654 no longer exists" in caplog.text
