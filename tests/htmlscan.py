"""Find live script in HTML by parsing it, the way a browser would read the markup.

Counts what could run: event-handler attributes, URLs whose scheme runs code or loads a
document (``javascript:``, ``vbscript:``, ``data:``), and script elements a browser executes.
Text that merely reads like markup (``&lt;script&gt;``) is text, and is not counted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster",
                  "background", "srcdoc", "ping"}
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}
_CONTROL = re.compile(r"[\x00-\x20]+")


@dataclass
class Findings:
    handlers: list[str] = field(default_factory=list)
    script_urls: list[str] = field(default_factory=list)
    scripts: list[str] = field(default_factory=list)  # executable inline script bodies
    script_sources: list[str] = field(default_factory=list)
    elements: list[str] = field(default_factory=list)

    @property
    def live(self) -> list[str]:
        return [*self.handlers, *self.script_urls]


def url_scheme(url: str) -> str:
    """The scheme a browser sees: it drops control characters and spaces inside it."""
    cleaned = _CONTROL.sub("", url).lower()
    match = re.match(r"([a-z][a-z0-9+.-]*):", cleaned)
    return match.group(1) if match else ""


class _Scanner(HTMLParser):
    def __init__(self, findings: Findings) -> None:
        super().__init__(convert_charrefs=True)
        self.findings = findings
        self._script: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.findings.elements.append(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.findings.handlers.append(f"<{tag} {name}={value!r}>")
            if name in URL_ATTRIBUTES and url_scheme(value or "") not in {"", "http", "https",
                                                                            "mailto"}:
                self.findings.script_urls.append(f"<{tag} {name}={value!r}>")
        if tag == "script":
            kind = (dict(attrs).get("type") or "text/javascript").lower()
            source = dict(attrs).get("src")
            if source:
                self.findings.script_sources.append(source)
            self._script = None if kind in DATA_SCRIPT_TYPES or source else ""

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            if self._script.strip():
                self.findings.scripts.append(self._script)
            self._script = None


def scan(html: str) -> Findings:
    findings = Findings()
    scanner = _Scanner(findings)
    scanner.feed(html)
    scanner.close()
    return findings
