#!/usr/bin/env bash
# Set up everything Lamplight needs on a fresh Debian/Ubuntu machine, idempotently:
#   scripts/bootstrap.sh run    system libraries Qt needs + the virtual environment
#   scripts/bootstrap.sh test   the above + tools the tests compare against (GDAL, PostgreSQL/PostGIS, ...)
#   scripts/bootstrap.sh docs   the virtual environment + the docs extra (Sphinx), for `make docs`
# Fast when everything is already there (a stamp file records the installed lock file).
set -euo pipefail
cd "$(dirname "$0")/.."

purpose="${1:-run}"
VENV="${LAMPLIGHT_VENV:-.venv}"

# Qt's xcb and offscreen platform plugins and the fonts labels are drawn with.
QT_PACKAGES=(libegl1 libgl1 libglib2.0-0 libfontconfig1 libfreetype6 libdbus-1-3 libxkbcommon0
  libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
  libxcb-render-util0 libxcb-shape0 libxcb-xfixes0 libxcb-xinerama0 libxcb-xkb1 fonts-dejavu-core
  fonts-wqy-microhei  # Chinese place names and field names need a CJK font
  qt6-l10n-tools)  # lrelease compiles the interface translations (workbench/i18n/*.ts -> .qm)
# Independent references and services the test suite uses (each test skips with a reason if absent).
# python3-qgis + qgis-providers (PyQGIS in the system Python, ~166 packages, ~3 min): tests/qgis opens our outputs.
TEST_PACKAGES=(gdal-bin postgresql postgresql-postgis postgis chromium poppler-utils xvfb python3-qgis qgis-providers)

missing_packages() {
  local pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || echo "$pkg"
  done
}

apt_install() {
  local missing
  missing=$(missing_packages "$@")
  [ -z "$missing" ] && return 0
  if ! command -v apt-get >/dev/null; then
    echo "bootstrap: please install these system packages yourself: $missing" >&2
    return 0
  fi
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo="sudo"; else
      echo "bootstrap: not root and no sudo; please install: $missing" >&2
      return 0
    fi
  fi
  echo "bootstrap: installing system packages: $missing" >&2
  # shellcheck disable=SC2086
  $sudo apt-get update -qq >/dev/null || true
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null \
    || echo "bootstrap: some system packages could not be installed: $missing" >&2
}

find_python() {
  local candidate
  for candidate in "${PYTHON:-}" python3.13 python3.12 python3.11 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null &&
      "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  echo "bootstrap: Python 3.11 or newer is required" >&2
  return 1
}

make_venv() {
  local python stamp want
  stamp="$VENV/.lamplight-installed"
  want="$(sha256sum requirements.lock pyproject.toml | sha256sum | cut -c1-16)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$VENV/bin/python" ]; then
    return 0
  fi
  python=$(find_python)
  [ -x "$VENV/bin/python" ] || "$python" -m venv "$VENV"
  echo "bootstrap: installing Python packages into $VENV (pinned by requirements.lock)" >&2
  "$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null
  "$VENV/bin/python" -m pip install -q -r requirements.lock
  echo "$want" >"$stamp"
}

# The docs extra: the lines of requirements.lock marked `extra == "docs"` (pip skips them in make_venv).
install_docs_extra() {
  local stamp want
  stamp="$VENV/.lamplight-docs-installed"
  want="$(sha256sum requirements.lock | cut -c1-16)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  echo "bootstrap: installing the docs extra (Sphinx, pinned by requirements.lock) into $VENV" >&2
  # shellcheck disable=SC2046
  "$VENV/bin/python" -m pip install -q $(sed -n 's/ *; *extra == "docs" *$//p' requirements.lock)
  echo "$want" >"$stamp"
}

if [ "$purpose" != "docs" ]; then
  apt_install "${QT_PACKAGES[@]}"
fi
if [ "$purpose" = "test" ]; then
  apt_install "${TEST_PACKAGES[@]}"
fi
make_venv
if [ "$purpose" = "docs" ] || [ "$purpose" = "test" ]; then
  install_docs_extra  # make test builds the API docs (tests/docs)
fi
if [ "$purpose" = "docs" ]; then
  exit 0
fi
# A C compiler and Python's headers: `lamplight warmup` compiles the render kernels ahead of time with them
# (without either, renders fall back to numba's JIT, which costs each render process about 130 MB more).
build_tools() {
  local include version
  command -v cc >/dev/null || command -v gcc >/dev/null || apt_install gcc
  include=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["include"])')
  if [ ! -f "$include/Python.h" ]; then
    version=$("$VENV/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    apt_install "python$version-dev"
  fi
}
build_tools
# The interface translations' .qm files (only when a .ts changed; skipped with a note without lrelease).
scripts/compile_translations.sh
# Compile the numba kernels now (coverage, siting, map rendering; cached on disk, a stamp skips them next time),
# so no first run, first window or timed solve waits for them; the render kernels also into an extension module.
QT_QPA_PLATFORM=offscreen "$VENV/bin/python" main.py warmup
