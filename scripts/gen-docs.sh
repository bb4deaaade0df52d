#!/usr/bin/env bash
# Writes bibkit's man page and shell completion scripts, generated from the binary's own
# command definitions (swift-argument-parser), so they always match its --help:
#
#   scripts/gen-docs.sh [DIR]        # default DIR: .build/docs
#
#   DIR/bibkit.1                     man page      (man -l DIR/bibkit.1)
#   DIR/completions/bibkit.bash      bash          (bibkit --generate-completion-script bash)
#   DIR/completions/_bibkit          zsh
#   DIR/completions/bibkit.fish      fish
#
# BIBKIT_BIN=path uses that binary instead of building one. Needs python3 for the man page.
# DOCC=1 also builds the BibKit library's DocC documentation, failing on any warning
# (swift package generate-documentation --target BibKit --warnings-as-errors; the archive
# lands in .build/plugins/Swift-DocC/outputs/BibKit.doccarchive).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-.build/docs}
if [ -n "${BIBKIT_BIN:-}" ]; then
  bin=$BIBKIT_BIN
else
  swift build --product bibkit >&2
  bin="$(swift build --show-bin-path)/bibkit"
fi
mkdir -p "$out/completions"
python3 scripts/gen-manpage.py "$bin" >"$out/bibkit.1.tmp" && mv "$out/bibkit.1.tmp" "$out/bibkit.1"
"$bin" --generate-completion-script bash >"$out/completions/bibkit.bash"
"$bin" --generate-completion-script zsh >"$out/completions/_bibkit"
"$bin" --generate-completion-script fish >"$out/completions/bibkit.fish"
if [ "${DOCC:-0}" = 1 ]; then
  swift package generate-documentation --target BibKit --warnings-as-errors >&2
fi
echo "$out/bibkit.1"
echo "$out/completions/bibkit.bash $out/completions/_bibkit $out/completions/bibkit.fish"
