"""Read a form as a browser tab holds it: every named field's value, from the page HTML."""

from __future__ import annotations

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self, must_have: str) -> None:
        super().__init__(convert_charrefs=True)
        self.must_have = must_have
        self.forms: list[dict[str, list[str]]] = []
        self.current: dict[str, list[str]] | None = None
        self.textarea: str | None = None
        self.select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self.current = {}
        if self.current is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                self.current.setdefault(name, [])
                return
            if kind in ("submit", "button", "file"):
                return
            self.current.setdefault(name, []).append(
                a.get("value", "on" if kind == "checkbox" else "")
            )
        elif tag == "textarea" and name:
            self.textarea = name
            self.current.setdefault(name, []).append("")
        elif tag == "select" and name:
            self.select = name
            self.current.setdefault(name, [])
        elif tag == "option" and self.select and "selected" in a:
            self.current[self.select].append(a.get("value", ""))

    def handle_data(self, data: str) -> None:
        if self.current is not None and self.textarea:
            self.current[self.textarea][-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self.current is not None and self.textarea:
            # Browsers drop the newline that follows <textarea>.
            value = self.current[self.textarea][-1]
            self.current[self.textarea][-1] = value[1:] if value.startswith("\n") else value
            self.textarea = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select":
            self.select = None
        elif tag == "form" and self.current is not None:
            self.forms.append(self.current)
            self.current = None


def form_data(html: str, must_have: str) -> dict[str, list[str]]:
    """The values of the POST form of `html` that has a field named `must_have`."""
    reader = _FormReader(must_have)
    reader.feed(html)
    for form in reader.forms:
        if must_have in form:
            return {name: values for name, values in form.items() if values}
    raise AssertionError(f"no form with a field {must_have!r}")
