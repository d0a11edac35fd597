"""Every setting in the table, set at once, gives a config.h gcc takes, with the value it was given."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from keyconf.compiler.dialect import CURRENT_QMK
from keyconf.compiler.sources import GenerateOptions, generate_sources
from keyconf.model.qmk_settings import SETTINGS
from tests.compiler import layouts
from tests.compiler.c_stub import GCC, gcc_command, syntax_check, write_build_dir
from tests.model.test_qmk_settings import sample


@pytest.mark.skipif(GCC is None, reason="gcc is not installed")
def test_every_setting_is_a_define_gcc_takes_with_its_value(tmp_path: Path) -> None:
    layout = layouts.layers_only()
    layout.settings = {setting.name: sample(setting) for setting in SETTINGS}
    sources = generate_sources(layout, layouts.board(), GenerateOptions(source_name="all.yaml"))
    folder = write_build_dir(tmp_path, sources, CURRENT_QMK.keycode_spec_version, {layouts.MACRO: 6}, encoders=1)
    result = syntax_check(folder)
    assert result.returncode == 0, result.stderr
    # The values arrive as C constants of the right value: a wrong one fails to compile.
    checks = ['#include "config.h"']
    for setting in SETTINGS:
        if setting.flag:
            checks.append(f'#ifndef {setting.define}\n#error "{setting.define} is not defined"\n#endif')
        else:
            value = sample(setting)
            checks.append(f'_Static_assert(({setting.define}) == {value}, "{setting.define}");')
    check = folder / "settings_check.c"
    check.write_text("\n".join(checks) + "\n", encoding="utf-8")
    result = subprocess.run(
        [*gcc_command(folder), "-fsyntax-only", str(check)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    check.write_text(checks[0] + '\n_Static_assert((TAPPING_TERM) == 1, "x");\n', encoding="utf-8")
    wrong = subprocess.run(
        [*gcc_command(folder), "-fsyntax-only", str(check)], capture_output=True, text=True, check=False
    )
    assert wrong.returncode != 0  # the check can fail
