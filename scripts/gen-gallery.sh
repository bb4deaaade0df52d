#!/usr/bin/env bash
# Regenerates Samples/gallery/: each sample input in Samples/ converted to every format
# bibkit writes, as Samples/gallery/<input name>/<format>.<extension>, so a newcomer can
# see what bibkit makes of each. Tests/BibKitCLITests/SamplesGalleryTests.swift checks
# every file byte for byte; run this after changing a reader or writer on purpose.
#
#   scripts/gen-gallery.sh            # builds bibkit (debug) first
#   BIBKIT_BIN=path scripts/gen-gallery.sh
#
# Every conversion uses --as-of 2026-11-24 (the day the profile sample was captured).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${BIBKIT_BIN:-}" ]; then
  bin=$BIBKIT_BIN
else
  swift build --product bibkit >&2
  bin="$(swift build --show-bin-path)/bibkit"
fi
# FORMAT READ WRITE EXTENSIONS ... : the writable formats and their first extension.
formats=$("$bin" formats | awk 'NR > 1 && NF == 0 { exit } NR > 1 && $3 == "yes" { print $1 " " $4 }')
rm -rf Samples/gallery
for input in Samples/*.*; do
  [ -f "$input" ] || continue
  name=$(basename "$input")
  dir="Samples/gallery/${name%.*}"
  mkdir -p "$dir"
  while read -r format ext; do
    "$bin" convert "$input" --to "$format" --as-of 2026-11-24 -q -o "$dir/$format$ext"
  done <<<"$formats"
  echo "$dir: $(ls "$dir" | tr '\n' ' ')"
done
