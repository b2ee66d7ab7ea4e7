"""Server-side SVG charts: pure functions from data to an SVG string.

Web pages and PDFs (WeasyPrint renders inline SVG) share this one code path, so a
chart looks the same on screen and on paper, needs no JavaScript and no network.
Labels are escaped here: callers may pass values typed by users.
"""

from __future__ import annotations

from html import escape

from django.utils.safestring import SafeString, mark_safe

from apps.core import formats

PALETTE = ("#073f60", "#2f7ab8", "#6aa84f", "#e69138", "#a64d79", "#8e7cc3", "#45818e")
FONT = "DejaVu Sans, sans-serif"


# DejaVu Sans at 10 px averages about 6 px a character: what fits in a label column.
CHAR_WIDTH = 6
LINE_HEIGHT = 11
MAX_LINES = 4


def _number(value) -> str:
    if isinstance(value, float) and not value.is_integer():
        return formats.number(value, 1)
    return formats.number(value)


def wrap_label(label: str, width: int) -> list[str]:
    """The label on several lines of at most `width` characters, cut between words (a
    word longer than a line is split); never shortened unless it needs more than
    MAX_LINES lines, then the last line ends with "…"."""
    lines: list[str] = []
    current = ""
    for word in str(label).split():
        while len(word) > width:
            if current:
                lines.append(current)
                current = ""
            lines.append(word[: width - 1] + "-")
            word = word[width - 1 :]
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current or not lines:
        lines.append(current)
    if len(lines) > MAX_LINES:
        lines = lines[:MAX_LINES]
        lines[-1] = lines[-1][: width - 1].rstrip() + "…"
    return lines


def hbar_chart(
    rows,
    *,
    title: str = "",
    unit: str = "",
    width: int = 480,
    bar_height: int = 16,
    label_width: int = 170,
    color: str = PALETTE[0],
) -> SafeString:
    """Horizontal bars: `rows` is a list of (label, value) with value >= 0 or None.

    A value shown as text (e.g. "<5" for a suppressed count) may be given as
    (label, value, shown); the bar uses `value`, the text uses `shown`.

    Long labels wrap on several lines (the row grows), so no category name is cut.
    A category whose value is 0 keeps its row with the text "0" and no bar (a hairline
    bar would read as an empty slot); it is not left out, because the table printed
    beside every chart lists the same categories and both must agree. An unknown value
    (None) reads "—", also without a bar.
    """
    prepared = []
    for row in rows:
        raw = row[1]
        value = None if raw is None else max(float(raw), 0.0)
        shown = row[2] if len(row) > 2 else None
        prepared.append((wrap_label(str(row[0]), label_width // CHAR_WIDTH), value, shown))
    top = 22 if title else 4
    gap = 6
    heights = [max(bar_height, len(lines) * LINE_HEIGHT + 4) for lines, _v, _s in prepared]
    height = top + sum(h + gap for h in heights) + 4
    if not prepared:
        height = top + 24
    largest = max((value or 0 for _, value, _ in prepared), default=0) or 1
    plot = width - label_width - 60
    # A screen reader reads the chart's figures, as the table beside it shows them.
    described = "; ".join(
        f"{row[0]} : {formats.UNKNOWN if row[1] is None else (row[2] if len(row) > 2 else row[1])}"
        for row in rows
    )
    label = f"{title}. {described}" if title else described
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'aria-label="{escape(label or formats.UNKNOWN)}" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="{FONT}" font-size="10">'
    ]
    if title:
        parts.append(f"<title>{escape(title)}</title>")
        parts.append(
            f'<text x="0" y="13" font-size="11" font-weight="bold" fill="#1c2430">'
            f"{escape(title)}</text>"
        )
    if not prepared:
        parts.append(f'<text x="0" y="{top + 14}" fill="#4a5565">—</text>')
    y = top
    for (lines, value, shown), row_height in zip(prepared, heights, strict=True):
        middle = y + row_height / 2
        first = middle - (len(lines) - 1) * LINE_HEIGHT / 2 + 3.5
        tspans = "".join(
            f'<tspan x="{label_width - 6}" y="{first + i * LINE_HEIGHT:g}">{escape(line)}</tspan>'
            for i, line in enumerate(lines)
        )
        parts.append(f'<text text-anchor="end" fill="#1c2430">{tspans}</text>')
        if value is None:
            text, length = formats.UNKNOWN, 0.0
        else:
            text = shown if shown is not None else _number(value)
            length = round(plot * value / largest, 1)
        bar_y = middle - bar_height / 2
        if length > 0:
            parts.append(
                f'<rect x="{label_width}" y="{bar_y:g}" width="{length}" '
                f'height="{bar_height}" fill="{escape(color)}" rx="2"/>'
            )
        parts.append(
            f'<text x="{label_width + length + 4}" y="{bar_y + bar_height - 4:g}" '
            f'fill="#1c2430">{escape(str(text))}{escape(unit)}</text>'
        )
        y += row_height + gap
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every value above is escaped)
