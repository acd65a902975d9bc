"""Finding English sentences on a Chinese page: what a reader sees, not what the HTML holds.

Visible text only: scripts, styles, code (also `quoted` so), preformatted text, form values,
ids (class="id") and anything a page marks `lang="en"` (a detail kept for IT on purpose)
are left out. A sentence is a run of at
least three English words of two or more letters, joined by spaces or punctuation, so ids
(lobby-east), file names, units (MB) and codes (H.264) are not taken for sentences.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

HIDDEN = {"script", "style", "code", "pre", "textarea", "template", "svg", "title"}
VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
SENTENCE = re.compile(r"[A-Za-z]{2,}(?:[ ,;:'’.!?()]+[A-Za-z]{2,}){2,}")


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hidden: list[str] = []  # the open elements that hide what is inside them
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        classes = (dict(attrs).get("class") or "").split()
        if self.hidden or tag in HIDDEN or ("lang", "en") in attrs or "id" in classes:
            self.hidden.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.hidden and self.hidden[-1] == tag:
            self.hidden.pop()

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def english_sentences(html: str) -> list[str]:
    """The English sentences a reader of the page sees (empty on a page fully in Chinese)."""
    parser = _VisibleText()
    parser.feed(html)
    return SENTENCE.findall(re.sub(r"`[^`]*`", " ", " ".join(parser.parts)))
