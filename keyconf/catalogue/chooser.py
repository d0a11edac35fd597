"""The keyboard chooser without widgets: what the new-layout and import dialogs show.

The GUI wraps `KeyboardChooser` in a Qt view: it sets the query as the user types, shows
`rows` (title, detail line, badges), `summary` and `notice`, and on a choice asks for the
board's layouts or its full geometry. Keeping the logic here makes it testable without Qt
and reusable by any face.
"""

from __future__ import annotations

from dataclasses import dataclass

from keyconf.catalogue.bundle import UPSTREAM_REPO
from keyconf.catalogue.catalogue import Catalogue
from keyconf.catalogue.entry import KeyboardEntry, LayoutSummary, Source
from keyconf.model.keyboard import Keyboard

DEFAULT_LIMIT = 200
_SOURCE_BADGES = {Source.BUNDLED: "bundled", Source.VIA: "VIA definition", Source.VIA_BUNDLED: "VIA"}


@dataclass(frozen=True)
class ChooserRow:
    entry: KeyboardEntry
    title: str  # the board's name
    detail: str  # QMK path · manufacturer · key counts
    badges: tuple[str, ...]  # short tags: "VIA", "Vial", "your keymaps", "bundled", "broken"
    tooltip: str  # the broken reason, or where the definition lives


def key_counts_text(layouts: tuple[LayoutSummary, ...]) -> str:
    counts = sorted({layout.key_count for layout in layouts})
    if not counts:
        return "no layouts"
    if len(counts) == 1:
        return f"{counts[0]} keys"
    return f"{', '.join(map(str, counts[:-1]))} or {counts[-1]} keys"


def fork_badge(location: str) -> str:
    """`Keychron/qmk_firmware@wls_2025q1` → "Keychron fork"; `vial-kb/vial-qmk@vial` → "vial-qmk",
    `svalboard/vial-qmk@vial` → "svalboard vial-qmk";
    upstream's own master (boards newer than the catalogue's tree) → "newer QMK"."""
    repository = location.partition("@")[0]
    if repository == UPSTREAM_REPO:
        return "newer QMK"
    owner, _, repo = repository.partition("/")
    if repo == "vial-qmk" and owner != "vial-kb":  # a maker's own vial-qmk (svalboard's, ergohaven's)
        return f"{owner} vial-qmk"
    return f"{owner} fork" if repo == "qmk_firmware" else repo or owner


def fork_tooltip(location: str) -> str:
    repo, _, branch = location.partition("@")
    if repo == UPSTREAM_REPO:
        return (f"a board qmk_firmware added after the tree the catalogue was made from (its {branch} branch): "
                "a QMK tree older than that lacks it")
    return f"a board of {repo} (branch {branch}), not of qmk_firmware: only that fork builds it"


def row_for(entry: KeyboardEntry) -> ChooserRow:
    parts = [entry.path]
    if entry.manufacturer:
        parts.append(entry.manufacturer)
    parts.append(key_counts_text(entry.layouts))
    badges = []
    if entry.broken:
        badges.append("broken")
    if entry.via_keymap:
        badges.append("VIA")
    if entry.vial_keymap:
        badges.append("Vial")
    if entry.user_keymaps:
        badges.append("your keymaps")
    if entry.source in _SOURCE_BADGES:
        badges.append(_SOURCE_BADGES[entry.source])
    elif entry.source is Source.FORK_BUNDLED:
        badges.append(fork_badge(entry.location))
    tooltip = entry.broken or entry.location
    if entry.source is Source.FORK_BUNDLED and not entry.broken:
        tooltip = fork_tooltip(entry.location)
    return ChooserRow(entry, entry.name or entry.path, " · ".join(parts), tuple(badges), tooltip)


class KeyboardChooser:
    """A query over the catalogue and its ranked rows; cheap to update on every keystroke."""

    def __init__(self, catalogue: Catalogue, limit: int = DEFAULT_LIMIT):
        self.catalogue = catalogue
        self.limit = limit
        self._query = ""
        self._rows: list[ChooserRow] | None = None

    @property
    def query(self) -> str:
        return self._query

    def set_query(self, text: str) -> list[ChooserRow]:
        """Change the query; returns the new rows (best first)."""
        if text != self._query or self._rows is None:
            self._query = text
            self._rows = [row_for(m.entry) for m in self.catalogue.search(text, self.limit)]
        return self._rows

    @property
    def rows(self) -> list[ChooserRow]:
        return self.set_query(self._query)

    def show_connected(self, vid: int, pid: int) -> list[ChooserRow]:
        """Rows for a connected board's USB id (the query becomes `VVVV:PPPP`)."""
        return self.set_query(f"{vid:04X}:{pid:04X}")

    @property
    def summary(self) -> str:
        """"3,702 keyboards", "12 matches", "first 200 of 950 matches" or "no match for …"."""
        total = len(self.catalogue)
        if not self._query.strip():
            return f"{total:,} keyboards"
        rows = self.rows
        if not rows:
            return f"no keyboard matches {self._query.strip()!r}"
        if len(rows) == self.limit:
            found = len(self.catalogue.search(self._query, None))
            if found > self.limit:
                return f"first {self.limit} of {found:,} matches"
        return f"{len(rows)} match" + ("" if len(rows) == 1 else "es")

    @property
    def notice(self) -> str | None:
        """Shown under the list when the catalogue lacks a qmk_firmware tree (and says how to add one)."""
        return self.catalogue.notice

    def entry(self, row: int) -> KeyboardEntry:
        return self.rows[row].entry

    def layouts(self, row: int) -> list[LayoutSummary]:
        """The chosen board's layout macros, in the definition's order."""
        return list(self.entry(row).layouts)

    def load(self, row: int) -> Keyboard:
        """The chosen board's full geometry (raises as `Catalogue.load`)."""
        return self.catalogue.load(self.entry(row))
