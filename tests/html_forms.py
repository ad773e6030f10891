"""What a browser would send from a page's forms, read from the HTML: for posting the admin's
change forms (with their inlines) as they stand, changed in one place."""

from html.parser import HTMLParser


class FormFields(HTMLParser):
    """The values a browser would send from a page's forms: inputs, selects and textareas."""

    def __init__(self):
        super().__init__()
        self.data, self._select, self._textarea = {}, None, None

    def _add(self, name, value):
        if name in self.data:
            previous = self.data[name]
            self.data[name] = (
                [*previous, value] if isinstance(previous, list) else [previous, value]
            )
        else:
            self.data[name] = value

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self._add(name, attrs.get("value", "on" if attrs.get("type") == "checkbox" else ""))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self._add(self._select, attrs.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            # The browser drops the newline that follows <textarea>.
            self.data[self._textarea] += (
                data.removeprefix("\n") if not self.data[self._textarea] else data
            )


def form_data(response):
    """The values of every form field on the page (the admin's action menu left out)."""
    parser = FormFields()
    parser.feed(response.content.decode())
    return {key: value for key, value in parser.data.items() if key != "action"}
