"""Submit forms the way a browser would: the fields the page rendered, with some values changed."""

from __future__ import annotations

from html.parser import HTMLParser


class _FormParser(HTMLParser):
    def __init__(self, action: str) -> None:
        super().__init__()
        self.action = action
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self.names: set[str] = set()
        self._select: str | None = None
        self._textarea: str | None = None
        self._text = ""
        self.found = False
        self.form_id: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("action") == self.action and not self.found:
            self.inside = self.found = True
            self.form_id = a.get("id")
        # Controls outside the form join it with form="<its id>", as browsers do.
        joined = self.form_id is not None and a.get("form") == self.form_id
        if not self.inside and not joined:
            return
        name = a.get("name")
        if tag == "input" and name:
            self.names.add(name)
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields.append((name, a.get("value", "on")))
            elif kind != "submit":
                self.fields.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self.names.add(name)
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value", "")))
        elif tag == "textarea" and name:
            self.names.add(name)
            self._textarea, self._text = name, ""

    def handle_data(self, data):
        if self._textarea:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.fields.append((self._textarea, self._text.strip("\n")))
            self._textarea = None


def submit(client, page_url: str, action: str, **changes: str):
    """GET page_url, find the form posting to `action`, change some fields, and POST it.

    Changing a field the form does not render fails the test: it means the
    template and the view disagree about the field's name.
    """
    parser = _FormParser(action)
    parser.feed(client.get(page_url).get_data(as_text=True))
    assert parser.found, f"no form posting to {action} on {page_url}"
    unknown = set(changes) - parser.names
    assert not unknown, f"the form at {action} has no fields {unknown}; it has {sorted(parser.names)}"
    data = [(k, v) for k, v in parser.fields if k not in changes] + list(changes.items())
    from werkzeug.datastructures import MultiDict

    return client.post(action, data=MultiDict(data))
