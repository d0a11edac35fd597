"""The make-side files of a QMK keyboard (`rules.mk`, `config.h`) and what `qmk info` takes
from them.

Older trees (2024 and before) keep facts there that newer ones moved into keyboard.json:
`SPLIT_KEYBOARD = yes` (which doubles the matrix rows), `CUSTOM_MATRIX`, `MCU`, and in
config.h `MATRIX_ROWS`/`MATRIX_COLS`, `MATRIX_ROW_PINS`/`MATRIX_COL_PINS` and `DIRECT_PINS`.
`qmk info` reads rules.mk from the top folder down (the deepest wins) and config.h the same
way, then lets those values override the merged info.json (`qmk.info._extract_rules_mk`,
`_extract_config_h`, `_matrix_size`). Nothing here runs make or the C preprocessor: like QMK's
own readers these are plain assignments and `#define`s.
"""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Collection, Iterable, Mapping
from typing import Any

# rules.mk values QMK's `_config_to_json(bool)` reads as true.
TRUE_VALUES = frozenset({"1", "on", "yes", "true"})
_DEFINE = re.compile(r"^\s*#\s*define\s+([A-Za-z_]\w*)(?:\s+(.*?))?\s*$")
_UNDEF = re.compile(r"^\s*#\s*undef\s+([A-Za-z_]\w*)")
_BLOCK_COMMENT = re.compile(r"/\*.*?(?:\*/|\Z)", re.S)  # an unterminated one to the end: linear
_LINE_COMMENT = re.compile(r"//.*")
# config.h values (MATRIX_ROWS and friends) are small arithmetic at most.
_OPERATORS: dict[type, Any] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.FloorDiv: operator.floordiv, ast.Div: operator.floordiv,
}


def parse_rules_mk(text: str, keys: Collection[str] | None = None) -> list[list[str]]:
    """The assignments of a rules.mk, in order, as `[operator, key, value]` (only `keys` when
    given).

    Mirrors `qmk.makefile.parse_rules_mk_file`: comments are dropped, `+=` appends, `?=` sets
    only when unset, `=` and `:=` set."""
    found: list[list[str]] = []
    for line in text.split("\n"):
        if line.strip().startswith("#"):
            continue
        if "#" in line:
            line = line[: line.index("#")].strip()
        if "=" not in line:
            continue
        if "+=" in line:
            key, value = line.split("+=", 1)
            op = "+="
        elif "?=" in line:
            key, value = line.split("?=", 1)
            op = "?="
        else:
            key, value = line.split("=", 1)
            op = "="
            key = key.rstrip(":")
        key = key.strip()
        if keys is None or key in keys:
            found.append([op, key, value.strip()])
    return found


def apply_rules(assignments: Iterable[list[str]], rules: dict[str, str] | None = None) -> dict[str, str]:
    """Fold rules.mk assignments into `rules` (a new dict when None), as QMK's parser does."""
    merged = {} if rules is None else rules
    for op, key, value in assignments:
        if op == "+=":
            merged[key] = f"{merged[key]} {value}" if key in merged else value
        elif op == "?=":
            merged.setdefault(key, value)
        else:
            merged[key] = value
    return merged


def parse_config_h(text: str) -> dict[str, str]:
    """`#define NAME value` lines of a config.h (comments removed, `#undef` honoured, no
    conditionals evaluated: `qmk.c_parse.parse_config_h_file` reads them the same way)."""
    defines: dict[str, str] = {}
    text = _BLOCK_COMMENT.sub(" ", text.replace("\\\n", " "))
    for line in text.split("\n"):
        line = _LINE_COMMENT.sub("", line)
        match = _DEFINE.match(line)
        if match:
            defines[match.group(1)] = (match.group(2) or "").strip()
            continue
        match = _UNDEF.match(line)
        if match:
            defines.pop(match.group(1), None)
    return defines


def config_number(text: str) -> int | None:
    """A config.h value such as `10` or `(5 * 2)` as a number; None for anything else."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError):
        return None

    def value(node: ast.AST) -> int:
        if isinstance(node, ast.Constant) and type(node.value) is int:
            return node.value
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
            left, right = value(node.left), value(node.right)
            if isinstance(node.op, (ast.FloorDiv, ast.Div)) and right == 0:
                raise ValueError("division by zero")
            return int(_OPERATORS[type(node.op)](left, right))
        raise ValueError("not a number")

    try:
        number = value(tree.body)
    except (ValueError, RecursionError):
        return None
    return number if 0 <= number <= 1024 else None


def _pin_list(text: str) -> list[str]:
    return [pin.strip() for pin in text.replace("{", "").replace("}", "").split(",") if pin.strip()]


def _direct_pins(text: str) -> list[list[str]]:
    inner = text.replace(" ", "")[1:-1]
    return [_pin_list(row) for row in re.findall(r"\{([^{}]*)\}", inner)]


def is_true(value: str | None) -> bool:
    return value is not None and value.strip().lower() in TRUE_VALUES


def apply_build_files(info: dict[str, Any], rules: Mapping[str, str], config: Mapping[str, str]) -> None:
    """Let rules.mk and config.h override the merged info.json where `qmk info` does, then
    derive `matrix_size` as QMK does (pins count, rows doubled on split keyboards)."""
    if "SPLIT_KEYBOARD" in rules:
        split = info.get("split")
        split = dict(split) if isinstance(split, Mapping) else {}
        split["enabled"] = is_true(rules["SPLIT_KEYBOARD"])
        info["split"] = split
    rows, cols = config_number(config.get("MATRIX_ROWS", "")), config_number(config.get("MATRIX_COLS", ""))
    if rows is not None and cols is not None:
        info["matrix_size"] = {"rows": rows, "cols": cols}
    pins: dict[str, Any] = {}
    if config.get("MATRIX_ROW_PINS") and config.get("MATRIX_COL_PINS"):
        pins["rows"] = _pin_list(config["MATRIX_ROW_PINS"])
        pins["cols"] = _pin_list(config["MATRIX_COL_PINS"])
    if config.get("DIRECT_PINS"):
        direct = _direct_pins(config["DIRECT_PINS"])
        if direct and direct[0]:
            pins["direct"] = direct
    custom = rules.get("CUSTOM_MATRIX", config.get("CUSTOM_MATRIX", "no")).strip()
    if custom and custom != "no":
        pins["custom"] = True
        if custom == "lite":
            pins["custom_lite"] = True
    if pins:
        info["matrix_pins"] = pins
    if "matrix_size" not in info:
        size = matrix_size_from_pins(info)
        if size is not None:
            info["matrix_size"] = {"rows": size[0], "cols": size[1]}


def matrix_size_from_pins(info: Mapping[str, Any]) -> tuple[int, int] | None:
    """(rows, cols) from `matrix_pins` (and the right half's `split.matrix_pins.right`): the
    larger half counts, and a split keyboard has both halves' rows. None without pins (a custom
    matrix): then `matrix_size` or the keys' positions say."""
    split = info.get("split")
    split = split if isinstance(split, Mapping) else {}
    halves = [info.get("matrix_pins")]
    right = split.get("matrix_pins")
    if isinstance(right, Mapping):
        halves.append(right.get("right"))
    rows = cols = None
    for pins in halves:
        if not isinstance(pins, Mapping):
            continue
        direct = pins.get("direct")
        if isinstance(direct, list) and direct and isinstance(direct[0], list):
            size = (len(direct), len(direct[0]))
        elif isinstance(pins.get("rows"), list) and isinstance(pins.get("cols"), list):
            size = (len(pins["rows"]), len(pins["cols"]))
        else:
            continue
        rows, cols = max(rows or 0, size[0]), max(cols or 0, size[1])
    if rows is None or cols is None:
        return None
    if split.get("enabled") is True:
        rows *= 2
    return rows, cols


_LAYOUT_DEFINE = re.compile(r"^\s*#\s*define\s+(LAYOUT\w*)\s*\(")
_LAYOUT_ALIAS = re.compile(r"^[ \t]*#[ \t]*define[ \t]+(LAYOUT\w*)[ \t]+(LAYOUT\w*)[ \t]*$", re.M)


def header_layout_aliases(text: str) -> dict[str, str]:
    """`#define LAYOUT LAYOUT_right_ball` in a keyboard header (a Keyball's keyball39.h): the file's
    LAYOUT(...) is that macro to the compiler, though `qmk info` lists no LAYOUT."""
    text = _BLOCK_COMMENT.sub(" ", text)
    text = "\n".join(_LINE_COMMENT.sub("", line) for line in text.split("\n"))
    return {alias: target for alias, target in _LAYOUT_ALIAS.findall(text) if alias != target}


def header_layouts(text: str) -> dict[str, list[dict[str, Any]]]:
    """LAYOUT macros of an old keyboard header (`atreus/atreus.h`), as `qmk info` reads them
    (`qmk.c_parse.find_layouts`): each argument becomes a key `{"label", "matrix", "x", "y"}`
    in a row, its matrix position where it appears in the macro's body. Conditionals are not
    evaluated; a macro defined twice keeps its last body, as QMK does."""
    text = _BLOCK_COMMENT.sub(" ", text)
    text = "\n".join(_LINE_COMMENT.sub("", line) for line in text.split("\n")).replace("\\\n", " ")
    layouts: dict[str, list[dict[str, Any]]] = {}
    for line in text.split("\n"):
        match = _LAYOUT_DEFINE.match(line)
        if not match or match.group(1).startswith("LAYOUT_kc") or "{" not in line:
            continue
        flat = re.sub(r"\s+", "", line)
        try:
            arguments = flat[flat.index("(") + 1: flat.index(")")].split(",")
            body = flat[flat.index("{") + 1: flat.rindex("}")]
        except ValueError:
            continue
        positions: dict[str, list[list[int]]] = {}
        for row_number, row in enumerate(body.split("},{")):
            if row.startswith("LAYOUT"):
                break
            for col_number, name in enumerate(row.replace("{", "").replace("}", "").split(",")):
                if name and name != "KC_NO":
                    positions.setdefault(name, []).append([row_number, col_number])
        keys: list[dict[str, Any]] = []
        for x, name in enumerate(arguments):
            key: dict[str, Any] = {"label": name, "x": x, "y": 0}
            if len(positions.get(name, ())) == 1:
                key["matrix"] = positions[name][0]
            keys.append(key)
        layouts[match.group(1)] = keys
    return layouts
