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

shot() {  # shot OUT.png [keyconf arguments…], run where the layout's relative path is shown
    local out="$1"
    shift
    "$python" -m keyconf --screenshot "$images/$out" --size 1400x860 "$@"
}

# Layout paths are relative so the status bar shows "Opened layouts/…", not this machine's folders.
(cd "$root" && shot main-window.png layouts/planck.yaml --light)
(cd "$root" && shot corne-dark.png layouts/corne.yaml --layer nav --dark)

# A layout with a typo, to show the problems panel.
mkdir -p "$scratch/layouts"
sed '0,/KC_Q,/s//KC_QQ,/' "$root/layouts/planck.yaml" > "$scratch/layouts/my-planck.yaml"
(cd "$scratch" && shot problems.png layouts/my-planck.yaml --light)
