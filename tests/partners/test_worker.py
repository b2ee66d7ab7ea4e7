"""The expiry-alert task runs in a real Celery worker, ids only, inside the SLSP's scope."""

import datetime

import pytest
from django_scopes import scopes_disabled

from apps.partners import tasks
from apps.partners.models import AgreementAlert
from tests.partners.factories import AgreementFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_send_expiry_alerts_through_the_worker(world, celery_worker_process):
    today = datetime.date.today()
    with scopes_disabled():
        agreement = AgreementFactory(slsp=world.slsp_a, end_date=today + datetime.timedelta(days=5))
    assert tasks.send_expiry_alerts.delay(world.slsp_a.pk).get(timeout=60) == 1
    # Fan-out without an id: one sub-task per SLSP, nothing sent twice.
    assert tasks.send_expiry_alerts.delay().get(timeout=60) == 1
    assert tasks.send_expiry_alerts.delay(world.slsp_a.pk).get(timeout=60) == 0
    with scopes_disabled():
        assert set(
            AgreementAlert.objects.filter(agreement=agreement).values_list(
                "threshold_days", flat=True
            )
        ) == {60, 30, 7}
