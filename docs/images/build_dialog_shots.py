"""Pictures of the Build dialog for the user guide, from the real dialog drawn offscreen.

    python docs/images/build_dialog_shots.py OUT_DIR [QMK_HOME]

Writes build-setup.png (no qmk_firmware tree configured: the dialog offers one) and, given a
real tree with the Corne's submodule (lib/lufa) and avr-gcc, build-done.png: that tree chosen
with "Use an Existing Folder…" and the firmware built. Run with HOME and KEYCONF_HOME pointing
at empty folders (update-screenshots.sh does), so no tree of yours is found.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from keyconf.formats.yaml_layout import load_layout  # noqa: E402
from keyconf.gui.build_dialog import BuildDialog  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def settle(ms: int = 200) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def main(out: Path, tree: str | None) -> int:
    app = QApplication(sys.argv[:1])
    loaded = load_layout(ROOT / "layouts" / "corne.yaml")
    dialog = BuildDialog(
        layout=loaded.layout,
        source_path="corne.yaml",
        output_dir=Path(os.environ.get("KEYCONF_HOME", ".")) / "firmware",
        row_lengths=loaded.row_lengths,
        choose_folder=lambda parent, title, start: tree or "",
    )
    dialog.show()
    settle()
    if dialog.setup_panel is None:
        print("a qmk_firmware tree was found: run with HOME and KEYCONF_HOME at empty folders", file=sys.stderr)
        return 1
    dialog.grab().save(str(out / "build-setup.png"))
    print(out / "build-setup.png")
    if tree:
        loop = QEventLoop()
        dialog.build_finished.connect(lambda result: loop.quit())
        QTimer.singleShot(0, dialog.setup_panel.use_button.click)
        loop.exec()
        while dialog.running:
            settle(100)
        result = dialog.last_result
        if result is None or not result.ok:
            print(f"the build did not succeed: {dialog.status.text()}", file=sys.stderr)
            return 1
        dialog.result_label.setText(f"…/firmware/{result.firmware.name if result.firmware else ''}")
        settle()
        dialog.grab().save(str(out / "build-done.png"))
        print(out / "build-done.png")
    dialog.close()
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else None))
