"""Reads of the SLSP register: the one visibility function per model lives here."""

from django.db.models import Count, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_scopes import scopes_disabled

from apps.accounts.rules import is_admin, is_coordinator
from apps.slsps.models import ReferentPost, Slsp


def slsps_for(user):
    """SLSPs the user may open: their own, or every one for coordinators and admins."""
    if not user.is_authenticated:
        return Slsp.objects.none()
    if is_coordinator(user) or is_admin(user):
        return Slsp.objects.all()
    return Slsp.objects.filter(pk__in=user.slsp_ids())


def referent_posts_for(user, slsp):
    """Posts of one SLSP the user may open (staff of that SLSP, coordinators, admins).

    Posts are register data, not tenant data: coordinators read them unscoped.
    """
    if not user.has_perm("slsps.view_slsp", slsp):
        return ReferentPost.objects.none()
    with scopes_disabled():
        return (
            ReferentPost.objects.filter(slsp=slsp)
            .select_related("person")
            .order_by("-end_date", "start_date")
        )


def register_rows(user):
    """The register for coordinators: one line per SLSP with counts only."""
    today = timezone.localdate()
    with scopes_disabled():
        filled = (
            ReferentPost.objects.active_on(today)
            .filter(slsp=OuterRef("pk"), person__isnull=False)
            .order_by()
            .values("slsp")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return slsps_for(user).annotate(
            posts_filled=Coalesce(Subquery(filled), Value(0)),
        )


def register_summary(user):
    with scopes_disabled():
        return slsps_for(user).aggregate(
            total=Count("pk"),
            real=Count("pk", filter=Q(is_demo=False)),
            demo=Count("pk", filter=Q(is_demo=True)),
        )


def filled_posts_by_slsp(slsp_ids) -> dict[int, int]:
    """Referent posts filled today, per SLSP (regional table)."""
    today = timezone.localdate()
    with scopes_disabled():
        rows = (
            ReferentPost.objects.active_on(today)
            .filter(slsp_id__in=slsp_ids, person__isnull=False)
            .values("slsp_id")
            .annotate(n=Count("pk"))
            .values_list("slsp_id", "n")
        )
        return dict(rows)
