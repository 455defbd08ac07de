#!/usr/bin/env bash
# Formats every C++ source with the repository's .clang-format (clang-format 14, Debian 12).
#   scripts/format.sh          rewrite files in place
#   scripts/format.sh --check  list unformatted files and exit 1 if there are any (CI runs this)
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files --cached --others --exclude-standard '*.cpp' '*.hpp')
if [ "${1:-}" = "--check" ]; then
  if ! clang-format --dry-run --Werror "${files[@]}" >/dev/null 2>&1; then
    clang-format --dry-run "${files[@]}" 2>&1 | grep -E '^[^ ]+:[0-9]+:[0-9]+: (warning|error):' |
      cut -d: -f1 | sort -u | sed 's/^/unformatted: /'
    echo "run scripts/format.sh to format" >&2
    exit 1
  fi
  exit 0
fi
clang-format -i "${files[@]}"
