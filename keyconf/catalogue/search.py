"""Finding keyboards by what a user types, by USB id, or by key count.

Search is word based: the query is split into terms and every term must match the keyboard
somewhere (its QMK path, name, manufacturer or other names). A term scores by how well it
matches, best first:

  whole path or other name  >  whole name  >  a word of them  >  a word's beginning
  >  manufacturer  >  anywhere inside  >  one typo away from a word (or its beginning)

Typo matches are a fallback, used only when no keyboard contains the term as typed.

Typos are found by generating every spelling one edit away from the term (deletion, insertion,
substitution, swap of neighbours) and looking each up among the known words, which costs a
few hundred dictionary probes instead of comparing the term with thousands of words.

Terms of the form `keys:N` keep keyboards with an N-key layout; `VVVV:PPPP` (hex, as lsusb
prints) keeps keyboards with that USB id.
"""

from __future__ import annotations

import bisect
import heapq
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from keyconf.catalogue.entry import KeyboardEntry, Source

_WORD_SPLIT = re.compile(r"[\s/_\-.,()+]+")
_USB_TERM = re.compile(r"^(?:usb:)?(?:0x)?([0-9a-f]{4}):(?:0x)?([0-9a-f]{4})?$")
_KEYS_TERM = re.compile(r"^keys?:(\d{1,4})$")

# Term scores, by how the term matched (see the module docstring).
WHOLE_OTHER_NAME = 100
WHOLE_NAME = 95
WORD = 80
WORD_START = 60
MANUFACTURER = 50
INSIDE = 40
TYPO = 25
TYPO_START = 15
# Tie-breakers added once per keyboard.
_SOURCE_BONUS = {Source.QMK: 2.0, Source.BUNDLED: 1.0, Source.FORK_BUNDLED: 0.75, Source.VIA: 0.5,
                 Source.VIA_BUNDLED: 0.0}
_USER_KEYMAP_BONUS = 10.0
_BROKEN_PENALTY = -60.0
_MIN_TYPO_LENGTH = 4
_MAX_TYPO_WORDS = 200


@dataclass(frozen=True)
class Match:
    entry: KeyboardEntry
    score: float


def words(text: str) -> list[str]:
    return [w for w in _WORD_SPLIT.split(text.lower()) if w]


def parse_usb_id(text: str) -> tuple[int, int | None] | None:
    """`VVVV:PPPP` (or `0xVVVV:0xPPPP`, or `VVVV:` for any product) as (vid, pid)."""
    found = _USB_TERM.match(text.strip().lower())
    if not found:
        return None
    return int(found.group(1), 16), (int(found.group(2), 16) if found.group(2) else None)


class SearchIndex:
    """Look-up structures over a fixed list of entries; built once, queried many times."""

    def __init__(self, entries: Sequence[KeyboardEntry], state: tuple[Any, ...] | None = None):
        """`state` is what `state()` returned for the same entries (a cache), or None."""
        self.entries: Sequence[KeyboardEntry] = entries  # may build entries lazily: only results are read
        self._sorted_words: list[str] | None = None
        self._alphabet = ""
        self._longest_word = 0
        self._hidden: frozenset[int] = frozenset()
        self.restored = False
        if state is not None and self._restore(state):
            self.restored = True
            return
        self._hay: list[str] = []  # all searchable text of an entry, lower case, for "inside" matches
        self._whole_other: dict[str, list[int]] = {}  # path and other names
        self._whole_name: dict[str, list[int]] = {}
        self._word: dict[str, list[int]] = {}
        self._maker: dict[str, list[int]] = {}
        self._bonus: list[float] = []
        self._usb: dict[int, list[int]] = {}
        self._keys: dict[int, list[int]] = {}
        for i, entry in enumerate(self.entries):
            path = entry.path.lower()
            name = entry.name.lower()
            maker = entry.manufacturer.lower()
            others = [alias.lower() for alias in entry.aliases]
            self._whole_other.setdefault(path, []).append(i)
            for other in others:
                self._whole_other.setdefault(other, []).append(i)
            self._whole_name.setdefault(name, []).append(i)
            entry_words = set(words(path))
            entry_words.update(words(name))
            for other in others:
                entry_words.update(words(other))
            for word in entry_words:
                self._word.setdefault(word, []).append(i)
            for word in set(words(maker)):
                self._maker.setdefault(word, []).append(i)
            self._hay.append("\n".join((path, name, maker, *others)))
            # Tie-breakers: a shallower, shorter path, and the revision QMK's old names lead
            # to (`crkbd` -> crkbd/rev1) are the likelier choice among boards matching alike.
            bonus = _SOURCE_BONUS[entry.source] - 0.5 * path.count("/") - 0.01 * len(path)
            if entry.aliases:
                bonus += 1.0
            if entry.user_keymaps:
                bonus += _USER_KEYMAP_BONUS
            if entry.broken:
                bonus += _BROKEN_PENALTY
            self._bonus.append(bonus)
            if entry.usb_vid is not None:
                self._usb.setdefault(entry.usb_vid, []).append(i)
            for count in set(entry.key_counts):
                self._keys.setdefault(count, []).append(i)

    def __len__(self) -> int:
        return len(self.entries) - len(self._hidden)

    def hide(self, hidden: Iterable[int]) -> None:
        """Leave these entries (by number) out of every answer: bundled boards the user's tree
        also has, listed from the tree instead."""
        self._hidden = frozenset(hidden)

    def visible(self) -> list[KeyboardEntry]:
        """Every entry not hidden, in order."""
        hidden = self._hidden
        return [self.entries[i] for i in range(len(self.entries)) if i not in hidden]

    def state(self) -> tuple[Any, ...]:
        """The look-up structures as plain builtins, to cache beside the entries."""
        return (len(self.entries), self._hay, self._whole_other, self._whole_name, self._word, self._maker,
                self._bonus, self._usb, self._keys)

    def _restore(self, state: tuple[Any, ...]) -> bool:
        if not (isinstance(state, tuple) and len(state) == 9 and state[0] == len(self.entries)):
            return False
        (_, self._hay, self._whole_other, self._whole_name, self._word, self._maker,
         self._bonus, self._usb, self._keys) = state
        return True

    # --- structured look-ups --------------------------------------------------------------

    def by_usb(self, vid: int, pid: int | None = None) -> list[KeyboardEntry]:
        """Keyboards declaring this USB vendor id (and product id, when given)."""
        found = [self.entries[i] for i in self._usb.get(vid, ()) if i not in self._hidden]
        return [e for e in found if pid is None or e.usb_pid == pid]

    def by_key_count(self, count: int) -> list[KeyboardEntry]:
        """Keyboards with a layout of exactly `count` keys."""
        return [self.entries[i] for i in self._keys.get(count, ()) if i not in self._hidden]

    def get(self, path: str) -> KeyboardEntry | None:
        """The entry whose path or other name is exactly `path`, preferring real paths."""
        ids = [i for i in self._whole_other.get(path.strip().lower(), ()) if i not in self._hidden]
        if not ids:
            return None
        exact = [i for i in ids if self.entries[i].path.lower() == path.strip().lower()]
        return self.entries[(exact or ids)[0]]

    # --- text search -----------------------------------------------------------------------

    def search(self, query: str, limit: int | None = 50) -> list[Match]:
        """Entries matching every term of `query`, best first (all entries for an empty query)."""
        # A term said twice narrows nothing more: each distinct term is scanned once (a fuzzed
        # layout named its keyboard with 20,000 words of two kinds and took 8.6 s here).
        terms = list(dict.fromkeys(query.strip().lower().split()))
        hay = self._hay  # starts with the path: the tie-breaker, without building entries
        if not terms:
            shown = [i for i in range(len(self.entries)) if i not in self._hidden]
            ranked = sorted(shown, key=lambda i: (-self._bonus[i], hay[i]))
            chosen = ranked if limit is None else ranked[:limit]
            return [Match(self.entries[i], self._bonus[i]) for i in chosen]
        total: dict[int, float] | None = None
        for term in terms:
            scores = self._term_scores(term)
            if total is None:
                total = {i: float(s) for i, s in scores.items() if i not in self._hidden}
            else:
                total = {i: total[i] + s for i, s in scores.items() if i in total}
            if not total:
                return []
        assert total is not None
        bonus = self._bonus
        entries = self.entries

        def rank(i: int) -> tuple[float, str]:
            return (-(total[i] + bonus[i]), hay[i])

        best = sorted(total, key=rank) if limit is None else heapq.nsmallest(limit, total, key=rank)
        return [Match(entries[i], total[i] + bonus[i]) for i in best]

    def _term_scores(self, term: str) -> dict[int, int]:
        usb = parse_usb_id(term)
        if usb is not None and ":" in term:
            vid, pid = usb
            return {i: WHOLE_OTHER_NAME for i in self._usb.get(vid, ())
                    if pid is None or self.entries[i].usb_pid == pid}
        keys = _KEYS_TERM.match(term)
        if keys:
            return dict.fromkeys(self._keys.get(int(keys.group(1)), ()), WORD)

        # Lowest tier first: each better tier overwrites.
        scores: dict[int, int] = dict.fromkeys([i for i, hay in enumerate(self._hay) if term in hay], INSIDE)
        if not scores:
            # Nothing contains the term: it may hold a typo (typos are only a fallback, so a
            # word that is right never drags in look-alikes).
            if len(term) >= _MIN_TYPO_LENGTH:
                typo_start, typo_word = self._typo_words(term)
                for word in typo_start:
                    scores.update(dict.fromkeys(self._word[word], TYPO_START))
                for word in typo_word:
                    scores.update(dict.fromkeys(self._word[word], TYPO))
            return scores
        scores.update(dict.fromkeys(self._maker.get(term, ()), MANUFACTURER))
        for word in self._prefixed(term):
            scores.update(dict.fromkeys(self._word[word], WORD_START))
        scores.update(dict.fromkeys(self._word.get(term, ()), WORD))
        scores.update(dict.fromkeys(self._whole_name.get(term, ()), WHOLE_NAME))
        scores.update(dict.fromkeys(self._whole_other.get(term, ()), WHOLE_OTHER_NAME))
        return scores

    def _words_sorted(self) -> list[str]:
        if self._sorted_words is None:
            self._sorted_words = sorted(self._word)
            self._alphabet = "".join(sorted({c for w in self._word for c in w}))
            self._longest_word = max(map(len, self._word), default=0)
        return self._sorted_words

    def _prefixed(self, prefix: str) -> Iterable[str]:
        ordered = self._words_sorted()
        start = bisect.bisect_left(ordered, prefix)
        for word in ordered[start:]:
            if not word.startswith(prefix):
                break
            if word != prefix:
                yield word

    def _typo_words(self, term: str) -> tuple[set[str], set[str]]:
        """Known words one edit away from `term`, and words that start one edit away from it."""
        ordered = self._words_sorted()
        exact: set[str] = set()
        starts: set[str] = set()
        if len(term) > self._longest_word + 1:
            # One edit changes the length by at most one: no known word (or word start) can be
            # that close, and generating the edits would cost the square of the term's length.
            return starts, exact
        for candidate in _one_edit(term, self._alphabet):
            if candidate in self._word:
                exact.add(candidate)
            if len(candidate) >= _MIN_TYPO_LENGTH:
                at = bisect.bisect_left(ordered, candidate)
                while at < len(ordered) and ordered[at].startswith(candidate) and len(starts) < _MAX_TYPO_WORDS:
                    starts.add(ordered[at])
                    at += 1
        return starts - exact, exact


def _one_edit(term: str, alphabet: str) -> set[str]:
    """Every string one deletion, swap, substitution or insertion away from `term`."""
    splits = [(term[:i], term[i:]) for i in range(len(term) + 1)]
    edits = {a + b[1:] for a, b in splits if b}
    edits.update(a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1)
    edits.update(a + c + b[1:] for a, b in splits if b for c in alphabet)
    edits.update(a + c + b for a, b in splits for c in alphabet)
    edits.discard(term)
    return edits
