"""Real qmk_firmware trees: the boards issue 13 found refused now load, in an older (2024) and a
newer tree. Set KEYCONF_TEST_QMK_HOME (and KEYCONF_TEST_QMK_HOME_2024 for a second, older tree)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from keyconf.formats.qmk_info import load_qmk_keyboard


def trees() -> list[Path]:
    found = []
    for variable in ("KEYCONF_TEST_QMK_HOME", "KEYCONF_TEST_QMK_HOME_2024"):
        value = os.environ.get(variable)
        if value and (Path(value) / "keyboards").is_dir():
            found.append(Path(value))
    return found


needs_tree = pytest.mark.skipif(not trees(), reason="needs a qmk_firmware tree: set KEYCONF_TEST_QMK_HOME "
                                                    "(and KEYCONF_TEST_QMK_HOME_2024 for an older one)")

# Split boards whose SPLIT_KEYBOARD sits in rules.mk in 2024 trees: (rows, cols) of both halves.
SPLIT_BOARDS = {
    "keebio/iris/rev4": (10, 6),
    "keebio/iris/rev2": (10, 6),
    "handwired/dactyl_manuform/4x6_5": (10, 6),
    "omkbd/ergodash/rev1": (10, 7),
    "omkbd/runner3680/5x7": (10, 7),
    "whale/sk/v3": (12, 7),
}
# Names people write, and the board QMK's aliases lead to (either of two, where trees differ).
ALIASES = {
    "redox_w": {"redox/wireless"},
    "ut472": {"keyhive/ut472"},
    "jj40": {"kprepublic/jj40", "kprepublic/jj40/rev1"},
    "ergodash/rev1": {"omkbd/ergodash/rev1"},
    "runner3680/5x7": {"omkbd/runner3680/5x7"},
    "crkbd/r2g": {"crkbd/r2g"},
    "lily58/r2g": {"lily58/r2g"},
}


@needs_tree
@pytest.mark.parametrize("name", sorted(SPLIT_BOARDS))
def test_split_boards_load_with_both_halves(name: str) -> None:
    for tree in trees():
        board = load_qmk_keyboard(tree, name)
        assert (board.matrix_rows, board.matrix_cols) == SPLIT_BOARDS[name], tree
        rows = {key.matrix[0] for macro in board.layouts.values() for key in macro.keys if key.matrix}
        assert max(rows) >= board.matrix_rows // 2, f"{tree}: no key on the right half"


@needs_tree
@pytest.mark.parametrize("name", sorted(ALIASES))
def test_names_people_write_load(name: str) -> None:
    for tree in trees():
        board = load_qmk_keyboard(tree, name)
        assert board.name in ALIASES[name], tree
        assert board.layouts and all(k.matrix is not None for m in board.layouts.values() for k in m.keys)


# Names QMK itself no longer resolves (folders that hold keyboards): the catalogue's default.
FOLDER_NAMES = {"planck": "planck/rev6", "ferris": "ferris/sweep"}


@needs_tree
@pytest.mark.parametrize("name", sorted({**ALIASES, **FOLDER_NAMES}) + sorted(SPLIT_BOARDS))
def test_the_resolver_takes_every_name_from_the_users_tree(name: str, tmp_path: Path) -> None:
    from keyconf.catalogue.catalogue import Catalogue
    from keyconf.catalogue.qmk_home import QmkCliConfig

    for tree in trees():
        catalogue = Catalogue.open(tree, environ={}, qmk_config=QmkCliConfig(), home=tmp_path,
                                   definitions_dir=tmp_path / "definitions", cache_dir=tmp_path / "cache")
        folder = catalogue.tree_path(name)
        assert folder is not None, f"{tree} has no {name}"
        board = catalogue.find(name)
        assert board.name == folder
        expected = FOLDER_NAMES.get(name) or (name if name in SPLIT_BOARDS else None)
        assert expected is None or board.name == expected
        # From the tree, as it is built: the same keys as the tree's own loader gives.
        own = load_qmk_keyboard(tree, folder)
        assert [[k.matrix for k in m.keys] for m in board.layouts.values()] == \
               [[k.matrix for k in m.keys] for m in own.layouts.values()]
