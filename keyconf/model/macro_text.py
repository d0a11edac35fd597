"""VIA's macro text notation <-> keyconf macro steps.

VIA (and keyconf's macro editor) write a macro as one line of text:

    Hello{KC_ENT}        text, then tap Enter
    {KC_LCTL,KC_C}       a chord: press Ctrl then C, release in reverse order
    {+KC_LSFT}x{-KC_LSFT} press / release a key around other steps
    {250}                wait 250 ms
    \\{                   a literal "{" inside text ("}" outside a block is typed as it is)

Keycode names are checked with the keycode registry and stored canonically (KC_LCTRL becomes
KC_LCTL). Consecutive presses (`{+KC_A}{+KC_B}`) become one `down` step with both keys, and a
`down`/`up` step with several keys is written back as one brace per key, which is the form VIA
reads.
"""

from __future__ import annotations

from collections.abc import Sequence

from keyconf.model.keycodes import REGISTRY, KeycodeError, KeycodeRegistry
from keyconf.model.layout import MAX_MACRO_DELAY_MS, MacroStep, MacroStepKind
from keyconf.model.problems import TextError


class MacroTextError(TextError):
    """Macro text that cannot be read: `message`, `column` (0-based), `hint`."""


def parse_macro_text(text: str, registry: KeycodeRegistry | None = None) -> list[MacroStep]:
    """Read VIA macro notation into macro steps; raises MacroTextError with the column."""
    reg = registry if registry is not None else REGISTRY
    steps: list[MacroStep] = []
    chars: list[str] = []
    pos = 0

    def flush_text() -> None:
        if chars:
            steps.append(MacroStep("text", "".join(chars)))
            chars.clear()

    while pos < len(text):
        char = text[pos]
        if char == "\\" and text.startswith("{", pos + 1):
            chars.append("{")
            pos += 2
            continue
        if char != "{":
            # A '}' outside a block is typed like any character: VIA reads it so and writes it
            # back unescaped (only '{' is escaped, as \\{).
            chars.append(char)
            pos += 1
            continue
        end = _closing_brace(text, pos)
        flush_text()
        _append(steps, _block(text[pos + 1 : end], pos + 1, reg))
        pos = end + 1
    flush_text()
    return steps


def _closing_brace(text: str, start: int) -> int:
    depth = 0
    for index in range(start + 1, len(text)):
        char = text[index]
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "{":
            raise MacroTextError("'{' inside a {...} block", index, "close the block first, or write \\{")
        elif char == "}" and depth <= 0:
            return index
    raise MacroTextError("'{' is never closed", start, "add '}', or write a literal { as \\{")


def _block(body: str, offset: int, reg: KeycodeRegistry) -> MacroStep:
    stripped = body.strip()
    if not stripped:
        raise MacroTextError("empty {} in macro text", offset - 1)
    if stripped.isdigit():
        delay = int(stripped)
        if delay > MAX_MACRO_DELAY_MS:
            raise MacroTextError(f"delay {delay} ms is longer than {MAX_MACRO_DELAY_MS} ms", offset)
        return MacroStep("delay", delay)
    kind: MacroStepKind = "tap"
    lead = len(body) - len(body.lstrip())
    if stripped[0] in "+-":
        kind = "down" if stripped[0] == "+" else "up"
        lead += 1
    keycodes: list[str] = []
    for part, part_offset in _split_top_level(body[lead:], offset + lead):
        if not part.strip():
            raise MacroTextError("empty keycode in {...}", part_offset)
        try:
            keycodes.append(reg.canonical_text(part))
        except KeycodeError as exc:
            column = part_offset + (exc.column or 0)
            raise MacroTextError(f"{exc.message} in macro text", column, exc.hint) from exc
    return MacroStep(kind, keycodes)


def _split_top_level(body: str, offset: int) -> list[tuple[str, int]]:
    parts: list[tuple[str, int]] = []
    depth = 0
    start = 0
    for index, char in enumerate(body):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append((body[start:index], offset + start))
            start = index + 1
    parts.append((body[start:], offset + start))
    return parts


def _append(steps: list[MacroStep], step: MacroStep) -> None:
    last = steps[-1] if steps else None
    if last is not None and step.kind in ("down", "up") and last.kind == step.kind:
        assert isinstance(last.value, list) and isinstance(step.value, list)
        steps[-1] = MacroStep(step.kind, [*last.value, *step.value])
    else:
        steps.append(step)


def format_macro_text(steps: Sequence[MacroStep]) -> str:
    """Write macro steps in VIA's notation (canonical keycode names, one brace per press/release)."""
    out: list[str] = []
    for step in steps:
        if step.kind == "text":
            out.append(str(step.value).replace("{", "\\{"))
        elif step.kind == "delay":
            out.append(f"{{{int(step.value)}}}")  # type: ignore[arg-type]
        elif step.kind == "tap":
            out.append("{" + ",".join(_keycodes(step)) + "}")
        elif step.kind in ("down", "up"):
            sign = "+" if step.kind == "down" else "-"
            out.extend(f"{{{sign}{keycode}}}" for keycode in _keycodes(step))
        else:
            raise MacroTextError(f"unknown macro step kind {step.kind!r}")
    return "".join(out)


def _keycodes(step: MacroStep) -> list[str]:
    value = step.value
    keycodes = [value] if isinstance(value, str) else list(value) if isinstance(value, list) else []
    if not keycodes:
        raise MacroTextError(f"a {step.kind} step needs at least one keycode")
    return keycodes
