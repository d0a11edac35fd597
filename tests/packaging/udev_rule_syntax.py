"""A reader for udev rule files, strict enough to catch what udev would reject or silently
ignore (see udev(7)): unknown keys, wrong operators, unquoted values, match keys used as
assignments and the other way round."""

from __future__ import annotations

import re
from dataclasses import dataclass

MATCH_OPS = {"==", "!="}
ASSIGN_OPS = {"=", "+=", "-=", ":="}
# key -> (may match, may assign, takes an {attribute})
KEYS = {
    "ACTION": (True, False, False), "DEVPATH": (True, False, False), "KERNEL": (True, False, False),
    "KERNELS": (True, False, False), "SUBSYSTEM": (True, False, False), "SUBSYSTEMS": (True, False, False),
    "DRIVER": (True, False, False), "DRIVERS": (True, False, False), "TAGS": (True, False, False),
    "RESULT": (True, False, False), "PROGRAM": (True, False, False), "TEST": (True, False, True),
    "ATTRS": (True, False, True), "CONST": (True, False, True),
    "NAME": (True, True, False), "SYMLINK": (True, True, False), "TAG": (True, True, False),
    "ATTR": (True, True, True), "SYSCTL": (True, True, True), "ENV": (True, True, True),
    "OWNER": (False, True, False), "GROUP": (False, True, False), "MODE": (False, True, False),
    "SECLABEL": (False, True, True), "RUN": (False, True, True), "LABEL": (False, True, False),
    "GOTO": (False, True, False), "IMPORT": (False, True, True), "OPTIONS": (False, True, False),
}
_PAIR = re.compile(
    r'\s*(?P<key>[A-Z_]+)(?:\{(?P<attr>[^}]*)\})?\s*(?P<op>==|!=|\+=|-=|:=|=)\s*"(?P<value>(?:[^"\\]|\\.)*)"\s*'
)


class UdevSyntaxError(ValueError):
    pass


@dataclass(frozen=True)
class Term:
    key: str
    attr: str | None
    op: str
    value: str

    @property
    def name(self) -> str:
        return f"{self.key}{{{self.attr}}}" if self.attr is not None else self.key


@dataclass(frozen=True)
class Rule:
    line: int
    terms: tuple[Term, ...]

    def matches(self) -> dict[str, str]:
        return {t.name: t.value for t in self.terms if t.op in MATCH_OPS}

    def assigns(self) -> list[Term]:
        return [t for t in self.terms if t.op in ASSIGN_OPS]


def parse_rules(text: str) -> list[Rule]:
    rules = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            raise UdevSyntaxError(f"line {number}: continuation lines are not expected here")
        rules.append(Rule(number, _parse_line(line, number)))
    return rules


def _parse_line(line: str, number: int) -> tuple[Term, ...]:
    terms = []
    position = 0
    while True:
        found = _PAIR.match(line, position)
        if found is None:
            rest = line[position:]
            raise UdevSyntaxError(f"line {number}, column {position + 1}: expected KEY op \"value\": {rest!r}")
        terms.append(_term(found, number))
        position = found.end()
        if position == len(line):
            break
        if line[position] != ",":
            raise UdevSyntaxError(f"line {number}, column {position + 1}: expected a comma")
        position += 1
    if not any(t.op in MATCH_OPS for t in terms) or not any(t.op in ASSIGN_OPS for t in terms):
        raise UdevSyntaxError(f"line {number}: a rule needs at least one match and one assignment")
    return tuple(terms)


def _term(found: re.Match[str], number: int) -> Term:
    key, attr, op, value = found["key"], found["attr"], found["op"], found["value"]
    if key not in KEYS:
        raise UdevSyntaxError(f"line {number}: unknown key {key}")
    may_match, may_assign, takes_attr = KEYS[key]
    if takes_attr != (attr is not None):
        raise UdevSyntaxError(f"line {number}: {key} {'needs' if takes_attr else 'takes no'} {{attribute}}")
    if op in MATCH_OPS and not may_match:
        raise UdevSyntaxError(f"line {number}: {key} cannot be matched")
    if op in ASSIGN_OPS and not may_assign:
        raise UdevSyntaxError(f"line {number}: {key} cannot be assigned")
    return Term(key, attr, op, value)
