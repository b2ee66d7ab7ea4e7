"""Shapes of the API's answers (the OpenAPI schema is generated from them)."""

from __future__ import annotations

import datetime
from uuid import UUID

from ninja import Schema


class ErrorOut(Schema):
    detail: str


class RowRejectOut(Schema):
    line: int
    reference: str
    reasons: list[str]


class ImportJobOut(Schema):
    uuid: UUID
    status: str
    status_label: str
    progress: int
    filename: str
    full_export: bool
    confirm_end: bool
    summary: dict[str, int]
    error: str
    created_at: datetime.datetime
    applied_at: datetime.datetime | None


class ImportPreviewOut(ImportJobOut):
    # The dry run's rejected lines (all of them) and the references a full export would
    # end.
    rejected: list[RowRejectOut]
    to_end: list[str]


class ReferralOut(Schema):
    uuid: UUID
    status: str
    outcome: str
    proposed_at: datetime.datetime
    sent_at: datetime.datetime | None
    answered_at: datetime.datetime | None
    started_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    sharing_stopped_at: datetime.datetime | None


class ReferralPageOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[ReferralOut]


class ColumnOut(Schema):
    key: str
    label: str
    about_people: bool


class RegionalRowOut(Schema):
    slsp_uuid: UUID
    slsp: str
    province: str
    # A count, or "<5" for a count of people from 1 to 4 (as on the page).
    values: dict[str, int | str]


class RegionalOut(Schema):
    columns: list[ColumnOut]
    rows: list[RegionalRowOut]
    totals: dict[str, int | str]
