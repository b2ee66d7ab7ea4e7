"""The accompaniment part of the household page (registered on the tenants page)."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext

from apps.accompaniment import attachments, history, queries, sensitive
from apps.accompaniment.forms import (
    MomentForm,
    ObjectiveStatusForm,
)
from apps.accompaniment.models import Moment, Objective
from apps.accounts.rules import is_direction_of
from apps.core.jinja2env import uuid_url_maker
from apps.core.permissions import allowed

TIMELINE_LIMIT = 200
DATE_FORMAT = "%d/%m/%Y"  # the templates' date:"d/m/Y"


def household_follow_ups(household) -> list:
    """The household's follow-ups (objectives and works loaded), read once per request.

    Both sections of the household page need them (the referrals section its open ones):
    the list is kept on the request's household instance.
    """
    cached = getattr(household, "_accompaniment_follow_ups", None)
    if cached is None:
        cached = list(queries.follow_ups_of(household))
        household._accompaniment_follow_ups = cached
    return cached


def with_objective_rows(follow_ups) -> None:
    """Give each follow-up `objective_rows` (text, status label, status form's URL) from
    the objectives its query brought (queries.follow_ups_of): no prefetch query."""
    statuses = {k: str(v) for k, v in Objective._meta.get_field("status").flatchoices}
    status_url = uuid_url_maker("accompaniment:objective_status")
    for follow_up in follow_ups:
        follow_up.objective_rows = [
            {
                "text": o["text"],
                "status": statuses.get(o["status"], o["status"]),
                "href": status_url(o["uuid"]),
            }
            for o in follow_up.objective_list
        ]


def moment_rows(
    rows,
    can_read_sensitive: bool,
    *,
    corrector: tuple[int | None, bool, bool] = (None, False, False),
) -> list[dict]:
    """Timeline rows of moments (queries.timeline_moments), with their display values
    computed once: labels from one dict per request, not get_FOO_display per row.

    `corrector` = (user pk, may act for the household, is its direction): the rule
    accompaniment.correct_moment (author who still acts, or the direction) applied per
    row without a permission check per row."""
    rows = list(rows)
    user_pk, acts, directs = corrector
    correct_url = uuid_url_maker("accompaniment:moment_correct")
    delete_url = uuid_url_maker("accompaniment:moment_delete")
    kinds = {k: str(v) for k, v in Moment._meta.get_field("kind").flatchoices}
    sensitivities = {k: str(v) for k, v in Moment._meta.get_field("sensitivity").flatchoices}
    sensitive_url = uuid_url_maker("accompaniment:moment_sensitive")
    attach_url = attachments.upload_url_maker("moment")
    user_model = get_user_model()
    with_ = gettext("avec")
    authors: dict[int, str] = {}
    result = []
    for r in rows:
        author = authors.get(r["author_id"])
        if author is None:
            author = user_model(
                first_name=r["author__first_name"], last_name=r["author__last_name"]
            ).get_full_name()
            authors[r["author_id"]] = author
        # The row's text, "Visite à domicile (45 min, Anne D., la mère) — objective : note
        # — avec A, B", as the template wrote it piece by piece; escaped as a whole there.
        text = f"{kinds.get(r['kind'], r['kind'])} ({r['duration_minutes']} min, {author}"
        if r["participants"]:
            text += f", {r['participants']}"
        text += ")"
        if r["follow_up__objective"] is not None:
            text += f" — {r['follow_up__objective']}"
        if r["note"]:
            text += f" : {r['note']}"
        if r["partner_names"]:
            text += f" — {with_} {', '.join(r['partner_names'])}"
        sensitivity = r["sensitivity"]
        result.append(
            {
                "kind": "moment",
                "pk": r["pk"],
                "uuid": r["uuid"],
                "date": r["date"],
                "day": r["date"].strftime(DATE_FORMAT),
                "text": text,
                "sensitivity": sensitivities.get(sensitivity, sensitivity) if sensitivity else "",
                "sensitive_href": sensitive_url(r["uuid"])
                if sensitivity and can_read_sensitive
                else "",
                **(
                    {"correct_href": correct_url(r["uuid"]), "delete_href": delete_url(r["uuid"])}
                    if directs or (acts and r["author_id"] == user_pk)
                    else {}
                ),
                # Those who accompany join documents (accompaniment.manage_attachments).
                "attach_href": attach_url(r["uuid"]) if acts else "",
            }
        )
    return result


def timeline(moment_events, follow_ups) -> list[dict]:
    """Moments, openings and closings of follow-ups, newest first."""
    events = list(moment_events)
    for follow_up in follow_ups:
        events.append(
            {
                "kind": "opened",
                "date": follow_up.opened_on,
                "day": follow_up.opened_on.strftime(DATE_FORMAT),
                "objective": follow_up.objective,
            }
        )
        if follow_up.closed_on:
            events.append(
                {
                    "kind": "closed",
                    "date": follow_up.closed_on,
                    "day": follow_up.closed_on.strftime(DATE_FORMAT),
                    "outcome": follow_up.get_outcome_display(),
                }
            )
    # Stable sort: within a day, moments (already newest first) come before follow-up events.
    return sorted(events, key=lambda e: e["date"], reverse=True)


def household_accompaniment(request, household):
    user = request.user
    follow_ups = household_follow_ups(household)
    with_objective_rows(follow_ups)
    can_read_sensitive = sensitive.may_read_sensitive(user, household)
    can_act = allowed(user, "accompaniment.act_for", household)
    moments = moment_rows(
        queries.timeline_moments(household)[:TIMELINE_LIMIT],
        can_read_sensitive,
        corrector=(user.pk, can_act, bool(is_direction_of(user, household))),
    )
    # The network (about 50 partners) is given to the moment form as plain choices: the
    # "no partner" notice then needs no second query. The consent and follow-up forms
    # are on their own pages (views.consent_form, views.follow_up_form).
    partner_choices = []
    moment_form = None
    if can_act:
        partners = queries.network_partners(user, household)
        # (pk, name): a partner's str() is its name; no model instance needed per choice.
        partner_choices = list(partners.values_list("pk", "name"))
        moment_form = MomentForm(follow_ups=follow_ups, partners=partners)
        moment_form.fields["partners"].choices = partner_choices
    shows_selects = can_act and any(f.is_open for f in follow_ups)
    consents = list(queries.consents_of(household))
    history.withdrawal_rows(household, consents)
    attachments.annotate_owners(
        household, consents=consents, follow_ups=follow_ups, moment_rows=moments
    )
    return {
        "household": household,
        "consents": consents,
        "history": history.household_history(household),
        "follow_ups": follow_ups,
        "timeline": timeline(moments, follow_ups),
        "truncated": len(moments) == TIMELINE_LIMIT,
        "can_act": can_act,
        "moment_form": moment_form,
        "has_partners": bool(partner_choices),
        # The same select goes in every objective of an open follow-up: rendered once here
        # rather than once per row, and only when an open follow-up shows it.
        "objective_select": str(ObjectiveStatusForm()["status"]) if shows_selects else "",
    }
