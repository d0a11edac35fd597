#!/usr/bin/env bash
# Build the one-folder app with PyInstaller: dist/keyconf/keyconf, then check that it starts.
#
#   packaging/pyinstaller/build.sh
#
# Uses the virtual environment $KEYCONF_BUILD_VENV (default build/pyinstaller-venv), creating
# it with $PYTHON (default python3) and installing keyconf's dependencies from pyproject.toml
# and PyInstaller into it. keyconf itself is bundled from this source tree.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="${KEYCONF_BUILD_VENV:-$root/build/pyinstaller-venv}"
python="${PYTHON:-python3}"

if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv"
fi
py="$venv/bin/python"
"$py" - "$root/pyproject.toml" > "$venv/keyconf-requirements.txt" <<'PY'
import sys, tomllib
with open(sys.argv[1], "rb") as handle:
    print("\n".join(tomllib.load(handle)["project"]["dependencies"]))
PY
"$py" -m pip install --quiet --upgrade pip
"$py" -m pip install --quiet -r "$venv/keyconf-requirements.txt" "pyinstaller>=6.3"

"$py" -m PyInstaller --noconfirm --clean \
    --distpath "$root/dist" --workpath "$root/build/pyinstaller" \
    "$here/keyconf.spec"

app="$root/dist/keyconf/keyconf"
echo "built $app"
QT_QPA_PLATFORM=offscreen "$app" --version
shot="$(mktemp -d)/keyconf-smoke.png"
KEYCONF_HOME="$(dirname "$shot")/home" QT_QPA_PLATFORM=offscreen "$app" --screenshot "$shot"
echo "the app starts and draws its window: $shot"
