"""Build hook: carry the checkout's data folders into the wheel as package data.

Everything else about the package is in pyproject.toml. The source tree keeps `resources/`
(bundled keyboards, icons), `layouts/` (example layouts) and `docs/` at the repository root,
where people look for them; an installed keyconf finds them in `keyconf/_resources/`, where
`keyconf.resources` looks. Editable installs need no copy: they find the checkout's folders.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent

# checkout folder -> folder inside keyconf/_resources (docs: the user guide Help opens)
DATA_TREES = {"resources": ".", "layouts": "layouts", "docs": "docs"}
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".*")


class BuildPyWithResources(build_py):
    """build_py that also copies DATA_TREES into build_lib/keyconf/_resources."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target_root = Path(self.build_lib) / "keyconf" / "_resources"
        for source, inside in DATA_TREES.items():
            source_dir = HERE / source
            if not source_dir.is_dir():
                raise FileNotFoundError(f"{source_dir}: missing; the wheel must carry it (is MANIFEST.in complete?)")
            shutil.copytree(source_dir, target_root / inside, ignore=IGNORED, dirs_exist_ok=True)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = list(super().get_outputs(include_bytecode))
        target_root = Path(self.build_lib) / "keyconf" / "_resources"
        if target_root.is_dir():
            outputs += [str(p) for p in sorted(target_root.rglob("*")) if p.is_file()]
        return outputs


setup(cmdclass={"build_py": BuildPyWithResources})
