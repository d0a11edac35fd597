"""Reading a layout's companion C file (`c_source: mine.c`): confined to the layout's folder.

The file is someone else's code: keyconf reads it as text and hands it to QMK's build,
never runs it. A layout from a stranger must not make keyconf read files elsewhere, so
the path (symbolic links followed) has to stay inside the layout's folder."""

from __future__ import annotations

from pathlib import Path

MAX_C_SOURCE_BYTES = 2 * 1024 * 1024


class CSourceFileError(ValueError):
    """The C file exists but cannot be used: outside the folder, too big, not text."""


def read_c_source_file(layout_file: str | Path, name: str) -> str | None:
    """The text of `name` next to `layout_file`; None when there is no such file.

    Raises CSourceFileError when the path leaves the layout's folder or the file is not
    readable UTF-8 text of a sane size."""
    folder = Path(layout_file).resolve().parent
    target = (folder / name).resolve()
    if not target.is_relative_to(folder):
        raise CSourceFileError(f"{name} leads outside the layout's folder")
    if not target.exists():
        return None
    if not target.is_file():
        raise CSourceFileError(f"{name} is not a file")
    if target.stat().st_size > MAX_C_SOURCE_BYTES:
        raise CSourceFileError(f"{name} is larger than {MAX_C_SOURCE_BYTES // (1024 * 1024)} MiB")
    data = target.read_bytes()
    if b"\0" in data:
        raise CSourceFileError(f"{name} is not a text file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CSourceFileError(f"{name} is not UTF-8 text (byte {error.start})") from None
