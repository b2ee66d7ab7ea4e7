"""iCalendar (RFC 5545) text of a person's appointments, written by hand: a few fixed
properties do not justify a dependency. Times are converted to UTC (no VTIMEZONE to
write); an appointment without a time is an all-day event. A household is named by its
reference only: a calendar leaves the application (phones, shared agendas)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone, translation

from apps.accompaniment.models import Moment, MomentKind

CRLF = "\r\n"
LINE_OCTETS = 75


def escape(text: str) -> str:
    """TEXT value escaping (RFC 5545 §3.3.11): backslash, semicolon, comma, newline."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Content lines longer than 75 octets are folded (§3.1): CRLF then one space. The
    cut never splits a UTF-8 character."""
    out: list[str] = []
    current = ""
    size = 0
    limit = LINE_OCTETS
    for char in line:
        octets = len(char.encode())
        if size + octets > limit:
            out.append(current)
            current, size = char, octets
            limit = LINE_OCTETS - 1  # the continuation's leading space is an octet
        else:
            current += char
            size += octets
    out.append(current)
    return (CRLF + " ").join(out)


def _utc(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _event(moment: Moment, *, stamp: str, host: str, zone: ZoneInfo) -> list[str]:
    kind = str(MomentKind(moment.kind).label) if moment.kind in MomentKind.values else moment.kind
    lines = [
        "BEGIN:VEVENT",
        f"UID:{moment.uuid}@{host}",
        f"DTSTAMP:{stamp}",
    ]
    if moment.time is None:
        start_day = moment.date
        lines.append(f"DTSTART;VALUE=DATE:{start_day:%Y%m%d}")
        lines.append(f"DTEND;VALUE=DATE:{start_day + datetime.timedelta(days=1):%Y%m%d}")
    else:
        start = datetime.datetime.combine(moment.date, moment.time, tzinfo=zone)
        end = start + datetime.timedelta(minutes=moment.duration_minutes or 30)
        lines.append(f"DTSTART:{_utc(start)}")
        lines.append(f"DTEND:{_utc(end)}")
    lines.append(f"SUMMARY:{escape(f'{kind} — {moment.household.reference}')}")
    lines.append("END:VEVENT")
    return lines


def calendar(appointments: Iterable[Moment], *, host: str, language: str = "fr") -> str:
    zone = ZoneInfo(settings.TIME_ZONE)
    stamp = _utc(timezone.now())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//SLSP Referent//Rendez-vous//FR",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape('SLSP Référent — rendez-vous')}",
    ]
    with translation.override(language):
        for moment in appointments:
            lines.extend(_event(moment, stamp=stamp, host=host, zone=zone))
    lines.append("END:VCALENDAR")
    return CRLF.join(fold(line) for line in lines) + CRLF
