#!/usr/bin/env bash
# Compile workbench/i18n/*.ts into the .qm files the workbench loads, with Qt's lrelease (qt6-l10n-tools).
# Only a .ts newer than its .qm is compiled (--force: all). Without lrelease it says so and exits 0: the
# workbench then reads the .ts itself (workbench/i18n/loader.py), just a little slower to start.
set -euo pipefail
cd "$(dirname "$0")/.."

lrelease=""
for candidate in "${LRELEASE:-}" /usr/lib/qt6/bin/lrelease lrelease-qt6 lrelease6 /usr/lib/qt6/libexec/lrelease; do
  if [ -n "$candidate" ] && command -v "$candidate" >/dev/null; then lrelease="$candidate"; break; fi
done
if [ -z "$lrelease" ]; then
  echo "compile_translations: no lrelease (install qt6-l10n-tools); the workbench reads the .ts instead" >&2
  exit 0
fi
for ts in workbench/i18n/*.ts; do
  [ -e "$ts" ] || continue
  qm="${ts%.ts}.qm"
  if [ "${1:-}" = "--force" ] || [ ! -f "$qm" ] || [ "$ts" -nt "$qm" ]; then
    "$lrelease" -silent "$ts" -qm "$qm"
  fi
done
