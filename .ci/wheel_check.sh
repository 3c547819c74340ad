#!/usr/bin/env bash
# The installed package, proved (issue 18): build a wheel from this checkout, install it into
# a fresh virtual environment OUTSIDE the checkout, and from a scratch folder run what a
# reader who never cloned would run: train on both bundled samples, print the version,
# predict a bundled picture, and run notebooks 00 and 05 under strict nbval from a copy.
# Called by .ci/run; runs alone too: `.ci/wheel_check.sh` (about 3-5 minutes).
#   MYNN_NOTEBOOKS=DIR  take the notebooks to copy from DIR (default: the checkout's).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
NOTEBOOKS="${MYNN_NOTEBOOKS:-$ROOT/notebooks}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/mynn-wheel-check.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
start=$SECONDS
step() { echo "wheel check [$((SECONDS - start)) s]: $*"; }

# Nothing of the checkout may leak in: no PYTHONPATH, no data folder, no matplotlib backend.
unset PYTHONPATH MYNN_DATA_DIR MPLBACKEND PYTHONHOME
# pip keeps its usual download cache (the first venv filled it); everything else is fresh.
export PIP_CACHE_DIR="${PIP_CACHE_DIR:-$HOME/.cache/pip}"
export XDG_CACHE_HOME="$WORK/cache"

step "building the sdist, and the wheel from the sdist"
python3 -m venv "$WORK/venv"
. "$WORK/venv/bin/activate"
python -m pip install --quiet --upgrade pip "setuptools>=77"
# From a copy of the files git tracks or would track: a build inside the checkout would
# leave build/ behind, whose stale files (a module since removed) end up in later wheels.
python - "$ROOT" "$WORK/src" <<'PY'
import shutil, subprocess, sys
from pathlib import Path
root, dest = Path(sys.argv[1]), Path(sys.argv[2])
listed = subprocess.run(
    ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
    cwd=root, capture_output=True, check=True,
).stdout.decode().split("\0")
for name in filter(None, listed):
    if (root / name).is_file():
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, dest / name)
PY
(cd "$WORK/src" && python -c "from setuptools import build_meta as b; b.build_sdist('$WORK/sdist')" >/dev/null)
python -m pip wheel --quiet --no-deps -w "$WORK/dist" "$WORK"/sdist/mynn-*.tar.gz
wheel=("$WORK"/dist/mynn-*.whl)
python -m zipfile -l "${wheel[0]}" | grep -c "mynn/data/" | xargs echo "package data files in the wheel:"

step "installing ${wheel[0]##*/} with the notebooks extra and nbval"
# Neither the commands below nor notebooks 00 and 05 use PyTorch, so none is installed
# (were it needed: `pip install torch==2.13.0` first, the CPU build, as .ci/run does).
python -m pip install --quiet "${wheel[0]}[notebooks]" "nbval>=0.11" "pytest>=7.4"

mkdir "$WORK/scratch"
cd "$WORK/scratch"
where=$(python -c "import mynn; print(mynn.__file__)")
case "$where" in
  "$WORK/venv/"*) ;;
  *) echo "wheel check: imported $where, not the installed wheel" >&2; exit 1 ;;
esac
if python -c "import torch" 2>/dev/null; then
  echo "wheel check: torch is installed, so it cannot show mynn works without it" >&2; exit 1
fi

step "python -m mynn --version"
version=$(python -m mynn --version)
echo "$version"
expected=$(python -c "from importlib.metadata import version; print(version('mynn'))")
[ "$version" = "mynn $expected" ]

step "python -m mynn train"
python -m mynn train --no-progress | tee train.txt
grep -q "test accuracy: 0.93" train.txt

step "python -m mynn train --data fashion-sample --epochs 1"
python -m mynn train --data fashion-sample --epochs 1 --no-progress | tee fashion.txt
grep -q "on fashion-sample: 4000 training images, 1000 test images" fashion.txt

step "python -m mynn predict (a bundled picture)"
picture=$(python -c "from mynn.images import MY_OWN_IMAGES_DIR as d; print(d / '2828_my_own_3.png')")
python -m mynn predict "$picture" | tee predict.txt
grep -q "2828_my_own_3.png" predict.txt

step "notebooks 00 and 05 under strict nbval, from a copy"
cp "$NOTEBOOKS/00_start_here.ipynb" "$NOTEBOOKS/05_inside_the_network.ipynb" .
cp "$ROOT/tests/nbval_sanitize.cfg" .
python -m pytest -q -p no:cacheprovider --nbval --nbval-current-env \
  --nbval-sanitize-with=nbval_sanitize.cfg --nbval-cell-timeout=300 \
  00_start_here.ipynb 05_inside_the_network.ipynb

step "passed"
