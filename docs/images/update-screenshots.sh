#!/usr/bin/env bash
# Remake the screenshots in docs/images/ (README, user guide, AppStream metainfo) with
# `keyconf --screenshot`, which draws the real main window offscreen.
#
#   docs/images/update-screenshots.sh        # uses $PYTHON (default python3) -m keyconf
#
# Runs the checkout's keyconf with settings in a temporary folder, so your recent files and
# window state neither show up in nor change because of the pictures.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
images="$root/docs/images"
python="${PYTHON:-python3}"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
export QT_QPA_PLATFORM=offscreen KEYCONF_HOME="$scratch/home" PYTHONPATH="$root${PYTHONPATH:+:$PYTHONPATH}"

shot() {  # shot OUT.png SIZE [keyconf arguments…], run where the layout's relative path is shown
    local out="$1" size="$2"
    shift 2
    "$python" -m keyconf --screenshot "$images/$out" --size "$size" "$@"
}

# The main window at a small laptop's 1366x768 and at 1920x1080, light and dark.
# Layout paths are relative so the status bar shows "Opened layouts/…", not this machine's folders.
(cd "$root" && shot main-window.png 1366x768 layouts/planck.yaml --light)
(cd "$root" && shot main-window-dark.png 1366x768 layouts/planck.yaml --dark)
(cd "$root" && shot main-window-1920.png 1920x1080 layouts/corne.yaml --light)
(cd "$root" && shot main-window-1920-dark.png 1920x1080 layouts/corne.yaml --dark)
(cd "$root" && shot corne-dark.png 1366x768 layouts/corne.yaml --layer nav --dark)

# A layout with a typo, to show the problems panel.
mkdir -p "$scratch/layouts"
sed '0,/KC_Q,/s//KC_QQ,/' "$root/layouts/planck.yaml" > "$scratch/layouts/my-planck.yaml"
(cd "$scratch" && shot problems.png 1366x768 layouts/my-planck.yaml --light)

# docs/sharing-layouts.md: a real-shaped keymap.c imported (issue 14's walkthrough, also
# tests/gui/test_keymap_c_walkthrough.py): home-row mods, ALTTAB and the Norwegian letters.
"$python" -m keyconf import "$root/tests/formats/data/keymap_c_norwegian/keymap.c" --keyboard crkbd/rev1 \
    -o "$scratch/norwegian-corne.yaml" >/dev/null 2>&1
(cd "$scratch" && shot keymap-c-norwegian.png 1366x768 norwegian-corne.yaml --light)

# docs/retarget.md: a layout before and after `keyconf retarget`, drawn by `keyconf render`.
(cd "$root" && "$python" -m keyconf retarget layouts/corne.yaml --keyboard ferris/sweep -o "$scratch/sweep.yaml" >/dev/null)
(cd "$root" && "$python" -m keyconf retarget layouts/dz60.yaml --keyboard kbdfans/kbd8x_mk2 --layout LAYOUT_tkl_ansi \
    -o "$scratch/tkl.yaml" >/dev/null)
"$python" -m keyconf render "$root/layouts/corne.yaml" --layers base -o "$images/retarget-corne.png" >/dev/null
"$python" -m keyconf render "$scratch/sweep.yaml" --layers base -o "$images/retarget-sweep.png" >/dev/null
"$python" -m keyconf render "$root/layouts/dz60.yaml" --layers base -o "$images/retarget-dz60.png" >/dev/null
"$python" -m keyconf render "$scratch/tkl.yaml" --layers base -o "$images/retarget-tkl.png" >/dev/null
# The window's preview of a move (Keyboard → Move Layout to Another Keyboard…): Kyria → Lily58.
(cd "$root" && "$python" - "$images/retarget-preview.png" <<'PY'
import sys
from PySide6.QtWidgets import QApplication
app = QApplication([])
from keyconf.catalogue.resolve import find_keyboard
from keyconf.formats.yaml_layout import load_layout
from keyconf.gui.retarget_dialog import RetargetPreview
from keyconf.model.retarget import retarget_layout
layout = load_layout("layouts/kyria.yaml").layout
source, target = find_keyboard(layout.keyboard), find_keyboard("lily58/rev1")
preview = RetargetPreview(retarget_layout(layout, source, target), layout, source, target)
preview.show()
for _ in range(20):
    app.processEvents()
preview.grab().save(sys.argv[1])
print(sys.argv[1])
PY
)

# docs/user-guide.md: the Build dialog of a newcomer with no qmk_firmware tree, and (given a real
# tree with lib/lufa and avr-gcc in KEYCONF_SHOT_QMK_HOME) the firmware built after choosing it.
mkdir -p "$scratch/newcomer"
HOME="$scratch/newcomer" XDG_CONFIG_HOME="$scratch/newcomer/.config" QMK_HOME= \
    "$python" "$images/build_dialog_shots.py" "$images" ${KEYCONF_SHOT_QMK_HOME:+"$KEYCONF_SHOT_QMK_HOME"}
