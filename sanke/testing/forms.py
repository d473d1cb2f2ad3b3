"""Reading the forms and links of a rendered page, as a browser would submit them.

The scope walk (``core/tests/test_scope_walk.py``) and the fuzz test replay a page's own forms with the values
the page offers, so that a refusal they check is a refusal of *valid* data, not of an empty body.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit


@dataclass
class Form:
    method: str  # "get" or "post"
    action: str  # an absolute path, query string kept
    fields: list[tuple[str, str]] = field(default_factory=list)
    kinds: dict[str, str] = field(default_factory=dict)  # field name → input type, "select", "textarea"
    buttons: list[tuple[str, str]] = field(default_factory=list)  # named submit buttons: one is clicked
    names: set[str] = field(default_factory=set)  # every field name, unchecked boxes included
    choices: set[str] = field(default_factory=set)  # names of selects, checkboxes and radio buttons
    options: dict[str, list[str]] = field(default_factory=dict)  # a select's option values, in order
    has_file: bool = False

    def pairs(self) -> list[tuple[str, str]]:
        """What the browser sends when the first named button is pressed (or Enter in a field)."""
        return self.fields + self.buttons[:1]

    def data(self, button: tuple[str, str] | None = None, *, fill: bool = False) -> dict[str, list[str]]:
        """What the browser sends when ``button`` is clicked; ``fill`` types a plausible value into every
        empty text, number, date… field, as a user filling a blank "new" form would."""
        values: dict[str, list[str]] = {}
        for name, value in self.fields:
            if fill and not value:
                real = [v for v in self.options.get(name, []) if v]
                value = real[0] if real else FILLERS.get(self.kinds.get(name, "text"), FILLERS["text"])
            values.setdefault(name, []).append(value)
        if button is not None:
            values.setdefault(button[0], []).append(button[1])
        return values

    def submissions(self, *, fill: bool = False) -> list[dict[str, list[str]]]:
        """One submission per named button (or one without any)."""
        return [self.data(b, fill=fill) for b in self.buttons] or [self.data(fill=fill)]


FILLERS = {
    "text": "走查 7",
    "textarea": "走查",
    "number": "7",
    "date": "2026-12-01",
    "time": "08:00",
    "email": "walk@example.com",
    "tel": "13800000007",
    "password": "Walk@2026-xyz",
    "search": "",
    "select": "",
    "hidden": "",
}


class _PageParser(HTMLParser):
    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form: Form | None = None
        self._select: tuple[str, list[tuple[str, bool]], bool] | None = None
        self._option: tuple[str | None, bool, list[str]] | None = None
        self._textarea: tuple[str, list[str]] | None = None

    def _absolute(self, url: str) -> str:
        parts = urlsplit(urljoin(self.page_url, url or self.page_url))
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "a" and a.get("href", "").startswith(("/", "?")):
            self.links.append(self._absolute(a["href"]))
        elif tag == "form":
            self._form = Form(a.get("method", "get").lower(), self._absolute(a.get("action", "")))
            self.forms.append(self._form)
        elif self._form is None or "disabled" in a:
            return
        if a.get("name") and tag in ("input", "select", "textarea"):
            self._form.names.add(a["name"])
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind == "file":
                self._form.has_file = True
            elif kind in {"checkbox", "radio"}:
                self._form.choices.add(a["name"])
                if "checked" in a:
                    self._form.fields.append((a["name"], a.get("value", "on")))
            elif kind in {"submit", "image"}:
                self._form.buttons.append((a["name"], a.get("value", "")))
            elif kind not in {"button", "reset"}:
                self._form.fields.append((a["name"], a.get("value", "")))
                self._form.kinds[a["name"]] = kind
        elif tag == "button" and a.get("name") and a.get("type", "submit") == "submit":
            self._form.buttons.append((a["name"], a.get("value", "")))
        elif tag == "select" and a.get("name"):
            self._form.choices.add(a["name"])
            self._select = (a["name"], [], "multiple" in a)
        elif tag == "option" and self._select is not None:
            self._option = (a.get("value"), "selected" in a, [])
        elif tag == "textarea" and a.get("name"):
            self._textarea = (a["name"], [])

    def handle_data(self, data):
        if self._option is not None:
            self._option[2].append(data)
        if self._textarea is not None:
            self._textarea[1].append(data)

    def handle_endtag(self, tag):
        if tag == "option" and self._option is not None and self._select is not None:
            value, selected, text = self._option
            self._select[1].append((value if value is not None else "".join(text).strip(), selected))
            self._option = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, options, multiple = self._select
            chosen = [v for v, selected in options if selected]
            if not multiple:  # one value: the selected one, else the first option (as a browser sends)
                chosen = chosen[:1] or [v for v, _ in options][:1]
            self._form.fields.extend((name, value) for value in chosen)
            self._form.options[name] = [v for v, _ in options]
            self._form.kinds[name] = "select"
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            # browsers drop the newline that follows <textarea>
            self._form.fields.append((self._textarea[0], "".join(self._textarea[1]).removeprefix("\n")))
            self._form.kinds[self._textarea[0]] = "textarea"
            self._textarea = None
        elif tag == "form":
            self._form = None


def read_page(page_url: str, html: str) -> tuple[list[Form], list[str]]:
    """The forms of a page (with the values it would submit) and its same-site links."""
    parser = _PageParser(page_url)
    parser.feed(html)
    return parser.forms, parser.links


def query_names(url: str) -> list[str]:
    return [name for name, _ in parse_qsl(urlsplit(url).query, keep_blank_values=True)]
