"""OpenDocument spreadsheets (.ods)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from apps.tenants.reading import ImportFileError, Line


def sheets(data: bytes, deadline: Any, max_columns: int) -> Iterator[tuple[str, Iterator[Line]]]:
    raise ImportFileError(_("Le classeur OpenDocument est illisible."))
