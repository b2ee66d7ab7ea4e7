"""Reads of the regional view: SLSPs a coordinator may review, never a person."""

from apps.slsps.models import Slsp
from apps.slsps.queries import slsps_for


def region_slsps_for(user):
    """Every SLSP for coordinators and admins; nothing for anyone else."""
    if not user.has_perm("reports.view_region"):
        return Slsp.objects.none()
    return slsps_for(user)
