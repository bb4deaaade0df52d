#!/usr/bin/env bash
# tidy-corpus.sh -- `bibkit tidy` over every .bib of ../shared/corpus: does the output still
# compile with ../shared/oracles/bibtex_compiles.sh wherever the input did, and does a second
# tidy change nothing?
#
# Usage: scripts/tidy-corpus.sh [BIBKIT]     (default: .build/debug/bibkit, built if missing)
#   ORACLE_ARGS   options for bibtex_compiles.sh (default: --bibtex-only --styles plain,unsrtnat,abbrvnat)
#   CORPUS        the corpus folder (default: ../shared/corpus/bibtex)
#   KEEP=DIR      keep inputs/outputs of failures in DIR
# Prints one line per file that fails a check and a summary; exit 1 when any file that compiled
# no longer does or is not stable, 2 when bibtex or the oracle is missing.
# Long: run it as `nice -n 19 scripts/tidy-corpus.sh > tidy-corpus.log`.
set -u
cd "$(dirname "$0")/.."
BIN="${1:-.build/debug/bibkit}"
CORPUS="${CORPUS:-../shared/corpus/bibtex}"
ORACLE=../shared/oracles/bibtex_compiles.sh
ORACLE_ARGS="${ORACLE_ARGS:---bibtex-only --styles plain,unsrtnat,abbrvnat}"
command -v bibtex >/dev/null || { echo "tidy-corpus: bibtex is not installed (../shared/oracles/install.sh)" >&2; exit 2; }
[ -f "$ORACLE" ] || { echo "tidy-corpus: $ORACLE is missing" >&2; exit 2; }
[ -x "$BIN" ] || swift build --product bibkit >/dev/null || exit 2
W=$(mktemp -d -t tidy-corpus.XXXXXX)
trap 'rm -rf "$W"' EXIT
files=0; compiled=0; still=0; stable=0; broken=0; unstable=0
while IFS= read -r f; do
  files=$((files + 1))
  in="$CORPUS/$f"
  "$BIN" tidy "$in" -q -o "$W/once.bib" 2>/dev/null
  "$BIN" tidy "$W/once.bib" -q -o "$W/twice.bib" 2>/dev/null
  if cmp -s "$W/once.bib" "$W/twice.bib"; then stable=$((stable + 1)); else unstable=$((unstable + 1)); echo "UNSTABLE  $f"; fi
  # shellcheck disable=SC2086
  if bash "$ORACLE" $ORACLE_ARGS -q "$in" >/dev/null 2>&1; then
    compiled=$((compiled + 1))
    # shellcheck disable=SC2086
    if bash "$ORACLE" $ORACLE_ARGS -q "$W/once.bib" > "$W/oracle.out" 2>&1; then
      still=$((still + 1))
    else
      broken=$((broken + 1))
      echo "BROKEN    $f: $(grep -m3 -- '- ' "$W/oracle.out" | tr '\n' ' ')"
      if [ -n "${KEEP:-}" ]; then mkdir -p "$KEEP"; cp "$W/once.bib" "$KEEP/$(echo "$f" | tr '/' '_')"; fi
    fi
  fi
done < <(cd "$CORPUS" && find . -name '*.bib' | sed 's|^\./||' | sort)
echo "tidy-corpus: $files files; $compiled compile before tidy, $still of them after; $broken broken; $stable stable on a second tidy, $unstable not"
[ $broken = 0 ] && [ $unstable = 0 ]
