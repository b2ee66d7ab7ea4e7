"""Writes of referrals (orientations): consent and agreement checks, the status
workflow, the partner's signed link, and the end of sharing on consent withdrawal."""

from __future__ import annotations

import datetime
import logging
import secrets
from collections.abc import Iterable
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accompaniment.models import Consent, FollowUp
from apps.accounts.models import User
from apps.core.mail import queue_email
from apps.partners.models import Agreement, Partner
from apps.partners.queries import sharing_agreement_for
from apps.referrals.models import (
    OPEN_STATUSES,
    TRANSITIONS,
    LinkPurpose,
    Referral,
    ReferralEvent,
    ReferralLink,
    ReferralLinkUse,
    ReferralOutcome,
    ReferralStatus,
    SharedData,
)
from apps.tenants.models import Household

logger = logging.getLogger(__name__)

# One salt per purpose: a token signed for anything else never opens a referral.
# Unchanged since the model lived in apps.accompaniment: links already sent stay valid.
LINK_SALT = "accompaniment.referral-link"


def link_days(purpose: str) -> int:
    """How long a partner link stays valid (settings REFERRAL_ANSWER_LINK_DAYS and
    REFERRAL_OUTCOME_LINK_DAYS): answering is quick, an outcome comes months later."""
    if purpose == LinkPurpose.ANSWER:
        return getattr(settings, "REFERRAL_ANSWER_LINK_DAYS", 30)
    return getattr(settings, "REFERRAL_OUTCOME_LINK_DAYS", 180)


# --- Checks ---


def sharing_consent(
    household: Household, partner: Partner, on: datetime.date | None = None
) -> Consent | None:
    """The household's consent in force on `on` that covers sharing with this partner."""
    on = on or timezone.localdate()
    return (
        Consent.objects.filter(household=household, share_with=partner)
        .active_on(on)
        .order_by("-given_on", "-pk")
        .first()
    )


def check_sharing(
    household: Household, partner: Partner, on: datetime.date | None = None
) -> Agreement:
    """Return the agreement that covers sharing with `partner`, or refuse in French."""
    on = on or timezone.localdate()
    if sharing_consent(household, partner, on) is None:
        raise ValidationError(
            _(
                "Le ménage n'a pas donné (ou a retiré) son consentement au partage de ses "
                "données avec %(partner)s : enregistrez d'abord son accord."
            )
            % {"partner": partner.name}
        )
    agreement = sharing_agreement_for(household.slsp_id, partner.pk, on)
    if agreement is None:
        raise ValidationError(
            _(
                "Aucune convention en vigueur avec %(partner)s ne prévoit le partage de "
                "données : une orientation n'est pas possible sans elle."
            )
            % {"partner": partner.name}
        )
    return agreement


# --- Workflow ---


def _event(
    referral: Referral,
    from_status: str,
    to_status: str,
    *,
    user: User | None = None,
    link: ReferralLink | None = None,
    note: str = "",
) -> None:
    ReferralEvent.objects.create(
        slsp_id=referral.slsp_id,
        referral=referral,
        from_status=from_status,
        to_status=to_status,
        by_user=user,
        by_link=link,
        note=note[:300],
    )


@transaction.atomic
def propose_referral(
    follow_up: FollowUp,
    user: User,
    *,
    partner: Partner,
    reason: str | None,
    shared_data: Iterable[str] = (),
) -> Referral:
    """A referral from an open follow-up, only with consent and a data-sharing agreement."""
    if not follow_up.is_open:
        raise ValidationError(
            _("Ce suivi est clôturé : il ne peut plus donner lieu à une orientation.")
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Indiquez le motif de l'orientation."))
    unknown = set(shared_data) - set(SharedData.values)
    if unknown:
        raise ValidationError(_("Donnée à partager inconnue."))
    household = follow_up.household
    agreement = check_sharing(household, partner)
    referral = Referral.objects.create(
        slsp_id=follow_up.slsp_id,
        follow_up=follow_up,
        household=household,
        partner=partner,
        agreement=agreement,
        reason=reason,
        shared_data=[v for v in SharedData.values if v in set(shared_data)],
        created_by=user,
    )
    _event(referral, "", ReferralStatus.PROPOSED, user=user)
    return referral


_DATE_FIELDS = {
    ReferralStatus.SENT: "sent_at",
    ReferralStatus.ACCEPTED: "answered_at",
    ReferralStatus.REFUSED: "answered_at",
    ReferralStatus.IN_PROGRESS: "started_at",
    ReferralStatus.CLOSED: "closed_at",
}


_SPENT_LINKS = {
    ReferralStatus.ACCEPTED: [LinkPurpose.ANSWER],
    ReferralStatus.REFUSED: [LinkPurpose.ANSWER],
    ReferralStatus.CLOSED: [LinkPurpose.ANSWER, LinkPurpose.OUTCOME],
}


def check_transition(referral: Referral, to_status: str, *, outcome: str = "") -> ReferralStatus:
    """The move's refusal, if any, before anything is asked or written."""
    current = ReferralStatus(referral.status)
    if to_status not in ReferralStatus.values:
        raise ValidationError(_("Statut inconnu."))
    target = ReferralStatus(to_status)
    if target not in TRANSITIONS.get(current, set()):
        raise ValidationError(
            _("Une orientation « %(from)s » ne peut pas passer à « %(to)s ».")
            % {"from": current.label, "to": target.label}
        )
    if referral.sharing_stopped_at is not None:
        raise ValidationError(_("Le partage de cette orientation a été arrêté."))
    if target == ReferralStatus.CLOSED and (
        outcome not in ReferralOutcome.values or outcome == ReferralOutcome.CONSENT_WITHDRAWN
    ):
        raise ValidationError(_("Choisissez le résultat de l'orientation."))
    return target


@transaction.atomic
def transition(
    referral: Referral,
    to_status: str,
    *,
    user: User | None = None,
    link: ReferralLink | None = None,
    note: str = "",
    outcome: str = "",
    outcome_note: str = "",
) -> Referral:
    """Move a referral along the workflow; any other move is refused."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    current = ReferralStatus(referral.status)
    to_status = check_transition(referral, to_status, outcome=outcome)
    changed = ["status", _DATE_FIELDS[to_status]]
    now = timezone.now()
    if to_status == ReferralStatus.CLOSED:
        referral.outcome = outcome
        referral.outcome_note = (outcome_note or "").strip()[:2000]
        changed += ["outcome", "outcome_note"]
    if to_status in (ReferralStatus.ACCEPTED, ReferralStatus.REFUSED) and note:
        referral.answer_note = note.strip()[:2000]
        changed.append("answer_note")
    referral.status = to_status
    setattr(referral, _DATE_FIELDS[to_status], now)
    referral.save(update_fields=changed)
    # A link whose purpose is done (answered, however) does nothing any more.
    spent = _SPENT_LINKS.get(to_status)
    if spent:
        pending = ReferralLink.objects.filter(
            referral=referral, purpose__in=spent, used_at__isnull=True, revoked_at__isnull=True
        )
        if link is not None:
            pending = pending.exclude(pk=link.pk)
        pending.update(revoked_at=now)
    _event(referral, current, to_status, user=user, link=link, note=note)
    return referral


# --- The partner's link ---


def make_token(link: ReferralLink) -> str:
    return signing.TimestampSigner(salt=LINK_SALT).sign_object(
        {"r": str(link.referral.uuid), "n": link.nonce}, compress=True
    )


def link_path(link: ReferralLink) -> str:
    return reverse(
        "referrals:referral_link",
        kwargs={"uuid": link.referral.uuid, "token": make_token(link)},
    )


def default_recipient(referral: Referral) -> str:
    """The address proposed (never used unconfirmed) for the partner's link: a contact of
    the referral's agreement that the sending SLSP keeps itself. Never the directory's
    records, which any SLSP may edit: empty when the SLSP keeps no such address."""
    agreement = referral.agreement if referral.agreement_id else None
    if agreement is None:
        return ""
    return (
        agreement.contacts.filter(slsp_id=referral.slsp_id)
        .exclude(email="")
        .order_by("name", "pk")
        .values_list("email", flat=True)
        .first()
        or ""
    )


def _confirmed_recipient(recipient_email: str) -> str:
    recipient = (recipient_email or "").strip()
    if not recipient:
        raise ValidationError(
            _("Indiquez et confirmez l'adresse e-mail du partenaire qui recevra le lien.")
        )
    return recipient


def _issue_link(referral: Referral, purpose: str, recipient: str, base_url: str) -> ReferralLink:
    now = timezone.now()
    # One valid link per purpose: a new one replaces the previous.
    ReferralLink.objects.filter(
        referral=referral, purpose=purpose, used_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    link = ReferralLink.objects.create(
        slsp_id=referral.slsp_id,
        referral=referral,
        purpose=purpose,
        nonce=secrets.token_urlsafe(24),
        recipient_email=recipient,
        created_at=now,
        expires_at=now + datetime.timedelta(days=link_days(purpose)),
    )
    url = base_url.rstrip("/") + link_path(link)
    context = {"referral": referral, "link": link, "url": url, "days": link_days(purpose)}
    if purpose == LinkPurpose.ANSWER:
        subject = _("Orientation d'un ménage par %(slsp)s : merci de répondre")
    else:
        subject = _("Orientation acceptée : signalez la prise en charge et le résultat (%(slsp)s)")
    subject = subject % {"slsp": referral.slsp.short_name or referral.slsp.official_name}
    body = render_to_string("referrals/email_link.txt", context)
    link.email = queue_email(subject=subject, body=body, to=[recipient])
    link.save(update_fields=["email"])
    return link


@transaction.atomic
def send_referral(
    referral: Referral, user: User, *, recipient_email: str, base_url: str
) -> Referral:
    """Send a proposed referral: consent and agreement are checked again, then the
    partner gets its signed link by e-mail, at the address the sender confirmed."""
    recipient = _confirmed_recipient(recipient_email)
    check_sharing(referral.household, referral.partner)
    referral = transition(referral, ReferralStatus.SENT, user=user)
    referral.recipient_email = recipient
    referral.save(update_fields=["recipient_email"])
    _issue_link(referral, LinkPurpose.ANSWER, recipient, base_url)
    return referral


# The link a partner needs at each status: to answer, then to report the outcome.
# Keyed by the stored value: a model instance holds the status as a plain str.
LINK_FOR_STATUS: dict[str, LinkPurpose] = {
    ReferralStatus.SENT: LinkPurpose.ANSWER,
    ReferralStatus.ACCEPTED: LinkPurpose.OUTCOME,
    ReferralStatus.IN_PROGRESS: LinkPurpose.OUTCOME,
}


@transaction.atomic
def resend_link(
    referral: Referral, user: User, *, recipient_email: str, base_url: str
) -> ReferralLink:
    """A new link for the partner (an e-mail lost, another contact): the previous link of
    the same purpose stops working. Consent and agreement are checked again, as when
    the referral was sent."""
    referral = Referral.objects.select_for_update(of=("self",)).get(pk=referral.pk)
    purpose = LINK_FOR_STATUS.get(referral.status)
    if purpose is None:
        raise ValidationError(
            _("Aucun lien à renvoyer pour une orientation « %(status)s ».")
            % {"status": referral.get_status_display()}
        )
    if referral.sharing_stopped_at is not None:
        raise ValidationError(_("Le partage de cette orientation a été arrêté."))
    check_sharing(referral.household, referral.partner)
    recipient = _confirmed_recipient(recipient_email)
    if recipient != referral.recipient_email:
        referral.recipient_email = recipient
        referral.save(update_fields=["recipient_email"])
    link = _issue_link(referral, purpose, recipient, base_url)
    _event(
        referral,
        "",
        referral.status,
        user=user,
        note=_("Lien renvoyé à %(email)s") % {"email": recipient},
    )
    return link


class LinkRefused(Exception):
    """A link that does nothing: `reason` is shown to the partner (French)."""

    def __init__(self, reason: str, link: ReferralLink | None = None):
        super().__init__(reason)
        self.reason = reason
        self.link = link


def open_link(referral_uuid: UUID | str, token: str) -> ReferralLink:
    """Check a token for this referral; raise LinkRefused when it may not be used.

    The caller runs this with scopes disabled (the partner has no account) and then
    opens the scope of `link.slsp_id` for anything else.
    """
    invalid = _("Ce lien n'est pas valide. Vérifiez qu'il a été copié en entier.")
    try:
        data = signing.TimestampSigner(salt=LINK_SALT).unsign_object(
            token, max_age=datetime.timedelta(days=max(link_days(p) for p in LinkPurpose.values))
        )
    except signing.SignatureExpired as exc:
        raise LinkRefused(_("Ce lien a expiré.")) from exc
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise LinkRefused(invalid) from exc
    if not isinstance(data, dict) or data.get("r") != str(referral_uuid):
        raise LinkRefused(invalid)
    link = (
        ReferralLink.objects.select_related("referral__partner", "referral__slsp")
        .filter(nonce=str(data.get("n", "")), referral__uuid=referral_uuid)
        .first()
    )
    if link is None:
        raise LinkRefused(invalid)
    if link.revoked_at is not None:
        raise LinkRefused(_("Ce lien a été remplacé ou annulé par la SLSP."), link)
    if link.used_at is not None:
        raise LinkRefused(_("Ce lien a déjà été utilisé : il ne permet plus rien."), link)
    if link.expires_at <= timezone.now():
        raise LinkRefused(_("Ce lien a expiré."), link)
    if link.referral.sharing_stopped_at is not None or not link.referral.is_open:
        raise LinkRefused(
            _("Cette orientation est clôturée : plus aucune donnée n'est partagée."), link
        )
    return link


def log_link_use(link: ReferralLink, action: str, detail: str = "") -> None:
    ReferralLinkUse.objects.create(
        slsp_id=link.slsp_id,
        household_id=link.referral.household_id,
        link=link,
        action=action,
        detail=detail[:200],
    )


LINK_ACTIONS: dict[str, set[str]] = {
    LinkPurpose.ANSWER: {"accept", "refuse"},
    LinkPurpose.OUTCOME: {"start", "close"},
}


@transaction.atomic
def act_on_link(
    link: ReferralLink,
    action: str,
    *,
    note: str = "",
    outcome: str = "",
    outcome_note: str = "",
    base_url: str = "",
) -> Referral:
    """The partner's answer through its link. Accepting sends the outcome link; a link
    is spent once its purpose is done (answered, or outcome reported)."""
    link = ReferralLink.objects.select_for_update().select_related("referral").get(pk=link.pk)
    if link.used_at is not None or link.revoked_at is not None:
        raise ValidationError(_("Ce lien a déjà été utilisé : il ne permet plus rien."))
    if action not in LINK_ACTIONS[link.purpose]:
        raise ValidationError(_("Cette action n'est pas possible avec ce lien."))
    referral = link.referral
    if action == "accept":
        referral = transition(referral, ReferralStatus.ACCEPTED, link=link, note=note)
    elif action == "refuse":
        referral = transition(referral, ReferralStatus.REFUSED, link=link, note=note)
    elif action == "start":
        referral = transition(referral, ReferralStatus.IN_PROGRESS, link=link, note=note)
    else:
        referral = transition(
            referral,
            ReferralStatus.CLOSED,
            link=link,
            outcome=outcome,
            outcome_note=outcome_note,
        )
    if action != "start":
        link.used_at = timezone.now()
        link.save(update_fields=["used_at"])
    log_link_use(link, action, note or outcome)
    if action in ("accept", "refuse"):
        notify_answer(referral)
    if action == "accept":
        _issue_link(referral, LinkPurpose.OUTCOME, link.recipient_email, base_url)
    return referral


def notify_answer(referral: Referral) -> None:
    """Tell the referral's author that the partner answered: by the household's
    reference, never a name (the notification may be e-mailed)."""
    from django.utils.text import format_lazy
    from django.utils.translation import gettext_lazy

    from apps.accounts.notifications import notify

    referral = Referral.objects.select_related("household", "partner", "created_by").get(
        pk=referral.pk
    )
    notify(
        [referral.created_by],
        title=format_lazy(
            gettext_lazy("Orientation {reference} : {answer} par {partner}"),
            reference=referral.household.reference,
            answer=ReferralStatus(referral.status).label,
            partner=referral.partner.name,
        ),
        url=reverse("referrals:referral_detail", kwargs={"uuid": referral.uuid}),
    )


# --- Consent withdrawal ---


def stop_sharing_on_withdrawal(consent: Consent, *, user: Any, on: datetime.date) -> int:
    """The on_consent_withdrawn hook (registered in ReferralsConfig.ready()): runs inside
    withdraw_consent()'s transaction, after the consent's fields say what it still covers."""
    return stop_sharing(consent.household, user=user, on=on)


def withdrawal_effects(
    consent: Consent,
    *,
    on: datetime.date,
    partner_ids: set[int],
    consent_ends: bool,
    closing_follow_up_ids: set[int],
) -> list[str]:
    """The consent_withdrawal_effects hook: the referrals a planned withdrawal will stop,
    as sentences for the confirmation page. The same selection as stop_sharing()."""
    referrals = referrals_to_stop(
        consent.household,
        on=on,
        without=(consent.pk, partner_ids, consent_ends),
        closing_follow_up_ids=closing_follow_up_ids,
    )
    lines = []
    for referral in referrals:
        if referral.recipient_email:
            line = _(
                "L'orientation vers %(partner)s sera arrêtée et le partenaire sera prévenu "
                "par e-mail de cesser d'utiliser les données du ménage."
            )
        else:
            line = _("L'orientation vers %(partner)s (pas encore envoyée) sera arrêtée.")
        lines.append(line % {"partner": referral.partner.name})
    return lines


def referrals_to_stop(
    household: Household,
    *,
    on: datetime.date,
    without: tuple[int, set[int], bool] | None = None,
    closing_follow_up_ids: Iterable[int] = (),
    lock: bool = False,
) -> list[Referral]:
    """Open referrals of the household that no consent in force on `on` covers any more,
    or whose follow-up is closed. `without` = (consent pk, partner pks withdrawn, whether
    the whole consent ends) and `closing_follow_up_ids` describe a withdrawal not yet
    written (the confirmation page); without them, the database as it is."""
    pairs = (
        Consent.objects.filter(household=household)
        .active_on(on)
        .filter(share_with__isnull=False)
        .values_list("pk", "share_with")
    )
    still_allowed = set()
    for consent_id, partner_id in pairs:
        if (
            without is not None
            and consent_id == without[0]
            and (without[2] or partner_id in without[1])
        ):
            continue
        still_allowed.add(partner_id)
    closing = set(closing_follow_up_ids)
    query = Referral.objects.select_related("follow_up", "partner").filter(
        household=household, status__in=OPEN_STATUSES, sharing_stopped_at__isnull=True
    )
    if lock:
        query = query.select_for_update(of=("self",))
    return [
        r
        for r in query.order_by("pk")
        if r.partner_id not in still_allowed
        or r.follow_up.closed_on is not None
        or r.follow_up_id in closing
    ]


def stop_sharing(
    household: Household, *, user: User | None = None, on: datetime.date | None = None
) -> int:
    """Every open referral of the household that no consent covers any more is closed,
    its sharing stopped and its links revoked; a partner that received the referral is
    told by e-mail to stop processing the household's data."""
    on = on or timezone.localdate()
    now = timezone.now()
    stopped = referrals_to_stop(household, on=on, lock=True)
    for referral in stopped:
        previous = referral.status
        referral.status = ReferralStatus.CLOSED
        referral.closed_at = now
        referral.sharing_stopped_at = now
        referral.outcome = ReferralOutcome.CONSENT_WITHDRAWN
        referral.save(update_fields=["status", "closed_at", "sharing_stopped_at", "outcome"])
        _event(
            referral,
            previous,
            ReferralStatus.CLOSED,
            user=user,
            note=_("Consentement retiré : partage arrêté"),
        )
        if referral.recipient_email:
            _tell_partner_to_stop(referral, on)
    if stopped:
        ReferralLink.objects.filter(
            referral__in=stopped, used_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now)
    return len(stopped)


def _tell_partner_to_stop(referral: Referral, on: datetime.date) -> None:
    """The partner's e-mail says as much as the link e-mails (the SLSP and the partner,
    never the household): which referral, from when, and to stop using the data."""
    slsp = referral.slsp.short_name or referral.slsp.official_name
    subject = _("Orientation arrêtée par %(slsp)s : cessez d'utiliser les données") % {"slsp": slsp}
    body = render_to_string(
        "referrals/email_stop_sharing.txt", {"referral": referral, "slsp": slsp, "on": on}
    )
    queue_email(subject=subject, body=body, to=[referral.recipient_email])
