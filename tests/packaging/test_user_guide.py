"""The user guide describes what exists: its pictures are there, and every `keyconf` command it
lists in the reference is a real subcommand or option."""

from __future__ import annotations

import re
from pathlib import Path

from keyconf.cli.app import build_parser as app_parser
from keyconf.cli.main import discover_subcommands

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "user-guide.md"


def test_every_picture_in_the_guide_exists() -> None:
    pictures = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", GUIDE.read_text(encoding="utf-8"))
    assert len(pictures) >= 3
    for picture in pictures:
        assert (GUIDE.parent / picture).is_file(), picture


def test_the_command_reference_lists_only_real_commands_and_options() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    reference = text[text.index("## Command reference"):]
    table_rows = [line for line in reference.splitlines() if line.startswith("| `keyconf")]
    rows = [usage for line in table_rows for usage in re.findall(r"`keyconf ([^`]*)`", line.split(" | ")[0])]
    assert rows
    subcommands = discover_subcommands()
    app_options = {o for action in app_parser()._actions for o in action.option_strings}
    for row in rows:
        words = row.split()
        if words and words[0] in subcommands:
            parser_options = _subcommand_options(words[0])
            for option in re.findall(r"--[a-z-]+", row):
                assert option in parser_options, f"`keyconf {row}`: {words[0]} has no {option}"
        else:
            for option in re.findall(r"--[a-z-]+", row):
                assert option in app_options | {"--version", "--help"}, f"`keyconf {row}`: no {option}"
    assert set(subcommands) <= {r.split()[0] for r in rows if r.split()}, "a subcommand is missing from the guide"


def _subcommand_options(name: str) -> set[str]:
    import argparse

    parser = argparse.ArgumentParser()
    discover_subcommands()[name].add_arguments(parser)
    return {o for action in parser._actions for o in action.option_strings}
