"""Text from users and files inside the rich text of labels and tooltips.

Qt shows a label's text as HTML once it holds a tag (`<b>`, `<br>`), so a layout, keyboard or
file name with `<` or `&` in it must go in escaped, or it vanishes or breaks the markup."""

from __future__ import annotations


def as_rich_text(text: str) -> str:
    """`text` as it reads inside Qt rich text (quotes need no escaping outside attributes).

    Not `html.escape`: importing `html` loads its entity tables (~4 ms), on the window's start."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
