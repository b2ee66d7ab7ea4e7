"""Shared role predicates (django-rules); each app declares its permissions in its own
`rules.py` from these, and views ask them through `apps.core.permissions`.

Object-level predicates receive the object and read `obj.slsp_id` (or the SLSP
itself), so this module imports no model from the apps it protects.
"""

from __future__ import annotations

from typing import TypeAlias

import rules
from django.contrib.auth.models import AnonymousUser

from apps.accounts.models import Role, User

# What a predicate receives: the request's user, signed in or not.
AnyUser: TypeAlias = "User | AnonymousUser"


def _slsp_id(obj: object | None) -> int | None:
    if obj is None:
        return None
    return getattr(obj, "slsp_id", None) or getattr(obj, "pk", None)


@rules.predicate
def is_coordinator(user: AnyUser) -> bool:
    return user.is_authenticated and user.has_role(Role.COORDINATEUR)


@rules.predicate
def is_admin(user: AnyUser) -> bool:
    return user.is_authenticated and (user.is_superuser or user.has_role(Role.ADMIN))


@rules.predicate
def is_juror(user: AnyUser) -> bool:
    return user.is_authenticated and user.has_role(Role.JURY)


@rules.predicate
def has_slsp_role(user: AnyUser) -> bool:
    return user.is_authenticated and bool(user.slsp_ids())


@rules.predicate
def is_referent(user: AnyUser) -> bool:
    return user.is_authenticated and user.has_role(Role.REFERENT)


@rules.predicate
def is_accompagnateur(user: AnyUser) -> bool:
    return user.is_authenticated and user.has_role(Role.ACCOMPAGNATEUR)


@rules.predicate
def is_direction(user: AnyUser) -> bool:
    return user.is_authenticated and user.has_role(Role.DIRECTION)


@rules.predicate
def is_staff_of(user: AnyUser, obj: object) -> bool:
    """Référent, accompagnateur or direction of the object's SLSP."""
    slsp_id = _slsp_id(obj)
    return user.is_authenticated and slsp_id is not None and slsp_id in user.slsp_ids()


@rules.predicate
def is_referent_of(user: AnyUser, obj: object) -> bool:
    slsp_id = _slsp_id(obj)
    return user.is_authenticated and user.has_role(Role.REFERENT, slsp_id)


@rules.predicate
def is_direction_of(user: AnyUser, obj: object) -> bool:
    slsp_id = _slsp_id(obj)
    return user.is_authenticated and user.has_role(Role.DIRECTION, slsp_id)


# --- Django admin ---
rules.add_perm("admin.access", is_admin)


# --- shared by accompaniment, referrals and collective actions (their rules.py) ---
# Référents and accompagnateurs act; the direction reads.
can_act_for = is_referent_of | rules.predicate(
    lambda user, obj: user.is_authenticated and user.has_role("accompagnateur", _slsp_id(obj))
)
