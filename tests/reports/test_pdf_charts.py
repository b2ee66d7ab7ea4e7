"""Server-side SVG charts (apps/core/charts.py): one code path for pages and PDFs."""

import xml.etree.ElementTree as ET  # noqa: S405 (parsing our own SVG output)

from apps.core.charts import hbar_chart


def test_bars_are_proportional_and_labelled():
    svg = hbar_chart([("CPAS", 10), ("AIS", 5)], title="Orientations")
    root = ET.fromstring(svg)  # noqa: S314
    ns = "{http://www.w3.org/2000/svg}"
    widths = [float(r.get("width")) for r in root.iter(f"{ns}rect")]
    assert widths[0] == 2 * widths[1]
    texts = ["".join(t.itertext()) for t in root.iter(f"{ns}text")]
    assert "Orientations" in texts and "CPAS" in texts and "10" in texts


def test_labels_typed_by_users_are_escaped():
    svg = hbar_chart([('<script>alert(1)</script>"', 3)], title="<b>titre</b>")
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    ET.fromstring(svg)  # noqa: S314 (well-formed XML)


def test_empty_and_suppressed_values():
    ET.fromstring(hbar_chart([], title="Rien"))  # noqa: S314
    svg = hbar_chart([("Namur", 0, "<5"), ("Liège", 12)])
    assert "&lt;5" in svg
    ET.fromstring(svg)  # noqa: S314
