#!/usr/bin/env bash
# Runs the test suite under a sanitizer:
#
#   scripts/sanitize.sh address [SWIFT-TEST-ARGS ...]   # AddressSanitizer (+ UndefinedBehavior checks of ASan)
#   scripts/sanitize.sh thread  [SWIFT-TEST-ARGS ...]   # ThreadSanitizer
#
# e.g. `scripts/sanitize.sh thread --filter BibKitTests`. Builds into .build-address/ or
# .build-thread/ (the normal .build/ is left alone), so the CLI tests run a sanitized
# `bibkit` too. Leak detection is off: the Swift runtime keeps metadata for the life of the
# process, which LeakSanitizer would report. The log goes to .build-KIND/sanitize.log; the
# script ends with the number of sanitizer reports and those whose stack passes through
# bibkit's own code (Sources/), and fails when the tests fail or any report is ours.
# Environment: NICE (default 10).
set -uo pipefail
cd "$(dirname "$0")/.."
kind=${1:-}
case $kind in
  address | thread) shift ;;
  *) echo "usage: scripts/sanitize.sh address|thread [swift test arguments]" >&2; exit 64 ;;
esac
scripts/ensure-deps.sh || exit 2
scratch=.build-$kind
mkdir -p "$scratch"
log=$scratch/sanitize.log
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:halt_on_error=0:abort_on_error=0}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=0:second_deadlock_stack=1}
echo "swift test --sanitize=$kind $* (log: $log)" >&2
nice -n "${NICE:-10}" swift build --scratch-path "$scratch" --sanitize="$kind" --product bibkit >"$log" 2>&1 &&
  nice -n "${NICE:-10}" swift test --scratch-path "$scratch" --sanitize="$kind" "$@" >>"$log" 2>&1
status=$?
tail -3 "$log"
reports=$(grep -c -E '^(==[0-9]+==ERROR: AddressSanitizer|WARNING: ThreadSanitizer|SUMMARY: UndefinedBehaviorSanitizer)' "$log")
# A report is ours when a frame of its stack is in this repository's Sources/.
ours=$(awk -v src="$PWD/Sources/" '
  /^(==[0-9]+==ERROR: AddressSanitizer|WARNING: ThreadSanitizer)/ { inrep = 1; mine = 0; next }
  inrep && index($0, src) { mine = 1 }
  inrep && /^(SUMMARY:|==================)/ { if (mine) n++; inrep = 0 }
  END { print n + 0 }' "$log")
echo "sanitizer reports: $reports, from bibkit's code: $ours; swift test exit status: $status"
[ "$status" -eq 0 ] && [ "$ours" -eq 0 ]
