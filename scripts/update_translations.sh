#!/usr/bin/env bash
# Refresh the interface catalogues after changing user-visible strings, then compile them:
#   scripts/update_translations.sh
# 1. PyQt6's pylupdate6 extracts every self.tr / QCoreApplication.translate / translate / QT_TRANSLATE_NOOP
#    string of workbench/, layers/, plugins/ and lamplight/ into workbench/i18n/lamplight_<lang>.ts. Existing
#    translations are kept; strings no longer in the code are marked obsolete (kept, so a rename can reuse them).
#    New strings arrive as type="unfinished": translate them (Qt Linguist, or any editor), then drop the type.
# 2. Qt's lrelease (Debian: qt6-l10n-tools) compiles each .ts into the .qm the workbench loads. The .qm is not
#    committed: scripts/bootstrap.sh compiles it too, and without it the workbench reads the .ts directly.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${LAMPLIGHT_VENV:-.venv}"
LANGUAGES=(zh_CN)

for language in "${LANGUAGES[@]}"; do
  "$VENV/bin/pylupdate6" --no-summary --exclude '__pycache__' \
    --ts "workbench/i18n/lamplight_${language}.ts" workbench layers plugins lamplight
done
scripts/compile_translations.sh --force
