"""Reading YAML safely, with positions.

Layout files come from strangers: this module turns text into plain Python data without
constructing any object, bounds alias expansion and size, rejects duplicate keys, and
remembers where every node sits so errors and surgical saves can point into the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from keyconf.formats.document_limits import MAX_DOCUMENT_BYTES, byte_position
from keyconf.model.problems import format_diagnostic

if TYPE_CHECKING:
    import yaml

# PyYAML is imported when a text is parsed, not with this module: importing it takes ~15 ms,
# which the editor's start spares when it reopens a file it parsed before (`yaml_cache`).

MAX_FILE_BYTES = MAX_DOCUMENT_BYTES
# A layout of 32 layers x 200 keys with its geometry embedded has ~12,000 values.
MAX_NODES = 25_000  # values, counted before they are built and again after alias expansion
MAX_DEPTH = 64  # a layout nests 4 levels (layers: name: rows: keys); embedded geometry ~6

DocPath = tuple[str | int, ...]


class Scalar(str):
    """A scalar's text exactly as written, with the type YAML would give it (`tag`).

    Keycodes must stay text (`NO`, `0x7C00` and `ON` are not booleans or numbers here), while
    settings want numbers: the reader decides per field."""

    tag: str = ""

    def __new__(cls, value: str, tag: str = "") -> Scalar:
        obj = super().__new__(cls, value)
        obj.tag = tag
        return obj

    @property
    def kind(self) -> str:
        """`str`, `int`, `float`, `bool` or `null` as YAML 1.1 resolves the plain scalar."""
        return self.tag.rsplit(":", 1)[-1] if self.tag.startswith("tag:yaml.org,2002:") else "str"


class SourceError(Exception):
    """A file that cannot be read as a YAML layout, with a position and a fix."""

    def __init__(
        self,
        message: str,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
        hint: str | None = None,
        *,
        unreadable: bool = False,
    ):
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.hint = hint
        self.unreadable = unreadable  # the file could not be read at all (missing, a folder, no permission)

    def format(self) -> str:
        return format_diagnostic("error", self.message, self.hint, self.file or "<input>", self.line, self.column)

    def __str__(self) -> str:
        return self.format()


class Span(NamedTuple):
    """Where a node sits: 0-based line/column of its first and one-past-last character."""

    line: int
    column: int
    end_line: int
    end_column: int
    style: str | None = None  # scalar style: None (plain), "'", '"', "|", ">"


@dataclass
class YamlDocument:
    """Plain data (dict/list/str) plus the span of every node by document path."""

    data: Any
    spans: dict[DocPath, Span] = field(default_factory=dict)
    # Mapping keys' own spans (for messages about a key rather than its value).
    key_spans: dict[DocPath, Span] = field(default_factory=dict)


def decode_text(raw: bytes, file: str | None) -> str:
    """A layout file's bytes as text; SourceError (with a position) for what is not a layout."""
    if len(raw) > MAX_FILE_BYTES:
        raise SourceError(
            f"the file is larger than {MAX_FILE_BYTES // 2**20} MiB, the most a layout file may be; "
            "the limit is passed here", file, *byte_position(raw, MAX_FILE_BYTES),
            hint="is this really a keyconf layout? Layout files are small text files.",
        )
    if b"\x00" in raw[:8192]:
        raise SourceError(
            "this is a binary file, not a YAML layout", file, 1, 1,
            hint="open a .yaml layout; to bring in a VIA, Vial or QMK file use `keyconf import`",
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(
            f"not valid UTF-8 text (byte 0x{raw[exc.start]:02x})", file, *byte_position(raw, exc.start),
            hint="save the file as UTF-8",
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return text


def parse_yaml(text: str, file: str | None = None) -> YamlDocument:
    """Parse one YAML document into plain data with spans; never constructs objects.

    Limits are checked before anything is expanded: libyaml refuses nesting deeper than 1,000
    while it reads; the node graph is then measured (each distinct node once) so an alias
    bomb or nesting built from aliases is refused in time proportional to the file."""
    import yaml

    loader = _loader_class()(text)
    try:
        _check_value_count(text, file)
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        raise _from_yaml_error(exc, text, file) from None
    except yaml.reader.ReaderError as exc:
        raise _from_reader_error(exc, text, file) from None
    except yaml.YAMLError as exc:  # pragma: no cover - libyaml errors all carry a mark
        raise SourceError(f"not valid YAML: {exc}", file, 1, 1) from None
    finally:
        loader.dispose()
    if root is None:
        raise SourceError("the file is empty", file, 1, 1, hint="a layout needs at least `keyboard:`, "
                          "`layout:` and `layers:`; see docs/layout-format.md")
    _check_expanded_size(root, file)
    walker = _Walker(file)
    data = walker.walk(root, ())
    return YamlDocument(data, walker.spans, walker.key_spans)


def _loader_class() -> type:
    import yaml

    try:  # libyaml is much faster; it ships in PyYAML's wheels
        return yaml.CSafeLoader
    except AttributeError:  # pragma: no cover - pure-Python PyYAML build
        return yaml.SafeLoader


def _check_value_count(text: str, file: str | None) -> None:
    """Refuse, before libyaml builds a node for each, text holding more values than a layout.

    Every value starts after a comma, line break, bracket, colon or `- `: when those are few
    (almost every file) nothing more is done. Otherwise libyaml's event stream is counted,
    stopping at the limit, so the cost is bounded by the limit, not by the file."""
    if sum(text.count(c) for c in ",\n[{:") + text.count("- ") + text.count("? ") <= MAX_NODES:
        return
    import yaml

    value_events = (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent, yaml.AliasEvent)
    count = 0
    for event in yaml.parse(text, Loader=_loader_class()):
        if isinstance(event, value_events):
            count += 1
            if count > MAX_NODES:
                mark = event.start_mark
                raise SourceError(
                    f"the file holds more than {MAX_NODES:,} values (keys, list items, entries); the limit is "
                    "passed here", file, mark.line + 1 if mark else 1, mark.column + 1 if mark else 1,
                    hint="a layout has a few thousand values: is this really a keyconf layout?",
                )



def _check_expanded_size(root: yaml.Node, file: str | None) -> None:
    """Reject alias bombs and deep nesting before expanding anything: sizes and depths are
    computed over the node graph, each distinct collection once, so the check costs as
    little as the file is long."""
    import yaml

    scalar, sequence, mapping = yaml.ScalarNode, yaml.SequenceNode, yaml.MappingNode
    sizes: dict[int, int] = {}
    depths: dict[int, int] = {}
    active: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)] if root.__class__ is not scalar else []
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            size, depth = 1, 1
            for child in _children(node, sequence, mapping):
                if child.__class__ is scalar:
                    size += 1
                    depth = max(depth, 2)
                else:
                    size += sizes[id(child)]
                    depth = max(depth, depths[id(child)] + 1)
            sizes[key], depths[key] = size, depth
            active.discard(key)
            if size > MAX_NODES:
                raise SourceError(
                    f"the file expands to more than {MAX_NODES:,} values (YAML aliases repeated too often?)",
                    file, node.start_mark.line + 1, node.start_mark.column + 1,
                    hint="a layout never needs this many values; remove the `*alias` references",
                )
            if depth > MAX_DEPTH:
                raise SourceError(
                    f"values are nested more than {MAX_DEPTH} levels deep here",
                    file, node.start_mark.line + 1, node.start_mark.column + 1,
                    hint="a layout nests a few levels (layers, rows, keys); is a bracket not closed?",
                )
            continue
        if key in sizes:
            continue
        if key in active:
            raise SourceError("a YAML alias refers to itself", file, node.start_mark.line + 1,
                              node.start_mark.column + 1)
        active.add(key)
        stack.append((node, True))
        for child in _children(node, sequence, mapping):
            if child.__class__ is not scalar and id(child) not in sizes:
                stack.append((child, False))


def _children(node: yaml.Node, sequence: type, mapping: type) -> list[yaml.Node]:
    if isinstance(node, sequence):
        return list(node.value)
    if isinstance(node, mapping):
        return [n for pair in node.value for n in pair]
    return []


def _from_reader_error(exc: yaml.reader.ReaderError, text: str, file: str | None) -> SourceError:
    """A character YAML does not allow (control characters), at its line and column."""
    position = max(0, min(exc.position, len(text)))
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    character = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
    return SourceError(
        f"the character U+{character:04X} is not allowed in YAML ({exc.reason})", file, line, column,
        hint="remove it; a control character in a layout usually means the file is damaged or not text",
    )


def _from_yaml_error(exc: yaml.MarkedYAMLError, text: str, file: str | None) -> SourceError:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else None
    column = mark.column + 1 if mark else None
    problem = (exc.problem or exc.context or "not valid YAML").strip()
    hint = "check the indentation and brackets around this position"
    if mark is not None:
        lines = text.splitlines()
        source_line = lines[mark.line] if mark.line < len(lines) else ""
        if "\t" in source_line[: max(mark.column, 0) + 1] or "'\\t'" in problem:
            problem = "a tab character is used for indentation"
            hint = "YAML indents with spaces only: replace the tabs with spaces"
    if "found unexpected end of stream" in problem or "expected ',' or ']'" in problem:
        hint = "a bracket or quote is not closed: is the file complete?"
    if exc.context == "expected a single document in the stream":
        return SourceError("the file holds more than one YAML document (`---` starts another here)", file, line,
                           column, hint="keep one layout per file")
    if problem.startswith("found undefined alias"):
        hint = "an `*alias` refers to an `&anchor` that is not defined earlier in the file"
    return SourceError(f"not valid YAML: {problem}", file, line, column, hint=hint)


class _Walker:
    def __init__(self, file: str | None):
        import yaml

        self.file = file
        self.count = 0
        self.spans: dict[DocPath, Span] = {}
        self.key_spans: dict[DocPath, Span] = {}
        self._active: set[int] = set()
        self._scalar, self._sequence, self._mapping = yaml.ScalarNode, yaml.SequenceNode, yaml.MappingNode

    def _span(self, node: yaml.Node) -> Span:
        start, end = node.start_mark, node.end_mark
        style = getattr(node, "style", None) if isinstance(node, self._scalar) else None
        return Span(start.line, start.column, end.line, end.column, style)

    def walk(self, node: yaml.Node, path: DocPath) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise SourceError(
                "the file expands to too many values (YAML aliases nested too deep?)",
                self.file, node.start_mark.line + 1, node.start_mark.column + 1,
                hint="a layout never needs this many values; remove the `*alias` references",
            )
        if id(node) in self._active:
            raise SourceError("a YAML alias refers to itself", self.file, node.start_mark.line + 1,
                              node.start_mark.column + 1)
        if path not in self.spans:
            self.spans[path] = self._span(node)
        if isinstance(node, self._scalar):
            return Scalar(node.value, node.tag)
        self._active.add(id(node))
        try:
            if isinstance(node, self._sequence):
                return [self.walk(child, (*path, i)) for i, child in enumerate(node.value)]
            if isinstance(node, self._mapping):
                result: dict[str, Any] = {}
                for key_node, value_node in node.value:
                    if not isinstance(key_node, self._scalar):
                        raise SourceError("a mapping key must be a plain name", self.file,
                                          key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                    key = key_node.value
                    if key == "<<" and key_node.tag == "tag:yaml.org,2002:merge":
                        raise SourceError("YAML merge keys (`<<:`) are not supported in layouts", self.file,
                                          key_node.start_mark.line + 1, key_node.start_mark.column + 1,
                                          hint="write the values out")
                    if key in result:
                        first = self.key_spans[(*path, key)]
                        raise SourceError(
                            f"`{key}` appears twice in the same mapping (first on line {first.line + 1})",
                            self.file, key_node.start_mark.line + 1, key_node.start_mark.column + 1,
                            hint="merge the two entries or rename one; YAML keeps only the last",
                        )
                    self.key_spans[(*path, key)] = self._span(key_node)
                    result[key] = self.walk(value_node, (*path, key))
                return result
        finally:
            self._active.discard(id(node))
        raise SourceError("unsupported YAML node", self.file)  # pragma: no cover
