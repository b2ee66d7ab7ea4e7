"""Server-side SVG charts: pure functions from data to an SVG string.

Web pages and PDFs (WeasyPrint renders inline SVG) share this one code path, so a
chart looks the same on screen and on paper, needs no JavaScript and no network.
Labels are escaped here: callers may pass values typed by users.
"""

from __future__ import annotations

from html import escape

from django.utils.safestring import SafeString, mark_safe

PALETTE = ("#073f60", "#2f7ab8", "#6aa84f", "#e69138", "#a64d79", "#8e7cc3", "#45818e")
FONT = "DejaVu Sans, sans-serif"


def _number(value) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}".replace(".", ",")
    return f"{int(value):,}".replace(",", "\u202f")


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
    """Horizontal bars: `rows` is a list of (label, value) with value >= 0.

    A value shown as text (e.g. "<5" for a suppressed count) may be given as
    (label, value, shown); the bar uses `value`, the text uses `shown`.
    """
    rows = [(r[0], max(float(r[1] or 0), 0.0), r[2] if len(r) > 2 else None) for r in rows]
    top = 22 if title else 4
    gap = 6
    height = top + len(rows) * (bar_height + gap) + 4
    if not rows:
        height = top + 24
    largest = max((value for _, value, _ in rows), default=0) or 1
    plot = width - label_width - 60
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="{FONT}" font-size="10">'
    ]
    if title:
        parts.append(f"<title>{escape(title)}</title>")
        parts.append(
            f'<text x="0" y="13" font-size="11" font-weight="bold" fill="#1c2430">'
            f"{escape(title)}</text>"
        )
    if not rows:
        parts.append(f'<text x="0" y="{top + 14}" fill="#4a5565">—</text>')
    for index, (label, value, shown) in enumerate(rows):
        y = top + index * (bar_height + gap)
        length = round(plot * value / largest, 1)
        text = shown if shown is not None else _number(value)
        label = str(label)
        short = label if len(label) <= 30 else label[:29] + "…"
        parts.append(
            f'<text x="{label_width - 6}" y="{y + bar_height - 4}" text-anchor="end" '
            f'fill="#1c2430">{escape(short)}</text>'
        )
        parts.append(
            f'<rect x="{label_width}" y="{y}" width="{max(length, 0.5)}" height="{bar_height}" '
            f'fill="{escape(color)}" rx="2"/>'
        )
        parts.append(
            f'<text x="{label_width + length + 4}" y="{y + bar_height - 4}" fill="#1c2430">'
            f"{escape(str(text))}{escape(unit)}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every value above is escaped)
