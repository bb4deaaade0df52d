#!/usr/bin/env bash
# Fuzzes bibkit's readers with libFuzzer (SanitizerCoverage as -sanitize=fuzzer sets it up, plus
# AddressSanitizer).
#
#   scripts/fuzz.sh [SECONDS-PER-TARGET] [TARGET ...]
#
# TARGETs: bibtex ris csl-json jats profile roundtrip (default: all, one after the other).
# SECONDS defaults to 600. The harnesses are the package in Fuzz/, built into .build-fuzz/
# (never by `swift build`/`swift test` of the main package, so CI does not build them).
# Each target starts from a corpus seeded with the test fixtures and ../shared/corpus/ files
# of its format and keeps what it learns in .build-fuzz/corpus/TARGET. Limits: an input
# taking over 1 s of CPU time is a finding (CPU_LIMIT), -timeout=20 wall-clock seconds as a
# hang backstop (WALL_TIMEOUT), -rss_limit_mb=2048 (RSS_MB), -max_len=65536 (MAX_LEN).
# Findings land in .build-fuzz/artifacts/TARGET/; copy each to
# Tests/BibKitCLITests/Fixtures/malformed/fuzz/ as a regression case (see that folder's
# README) once fixed. Ends with a table per target: time, executions, coverage (edges),
# features, findings. PARALLEL=1 runs the targets at the same time instead of in turn.
# Environment: NICE (default 19), CPU_LIMIT, WALL_TIMEOUT, MAX_LEN, RSS_MB, PARALLEL,
# JOBS_FLAGS (extra libFuzzer flags).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
seconds=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(bibtex ris csl-json jats profile roundtrip)
nice_level=${NICE:-19}
max_len=${MAX_LEN:-65536}
# "No input may take over a second": the harness aborts on an input that takes more than
# CPU_LIMIT seconds of CPU time (a finding like a crash). libFuzzer's -timeout counts wall
# time, which a loaded machine (and nice 19) stretches at random, and its timeout handler
# can deadlock inside ASan's allocator, so it is only a backstop for real hangs.
cpu_limit=${CPU_LIMIT:-1}
wall_timeout=${WALL_TIMEOUT:-20}
rss_mb=${RSS_MB:-2048}
scratch=$root/.build-fuzz

"$root/scripts/ensure-deps.sh"
mkdir -p "$scratch"

binary_of() {
  case $1 in
    bibtex) echo FuzzBibTeX ;; ris) echo FuzzRIS ;; csl-json) echo FuzzCSLJSON ;;
    jats) echo FuzzJATS ;; profile) echo FuzzProfile ;; roundtrip) echo FuzzRoundTrip ;;
    *) echo "unknown target '$1' (bibtex ris csl-json jats profile roundtrip)" >&2; exit 64 ;;
  esac
}
# File name patterns of each target's seeds.
seeds_of() {
  case $1 in
    bibtex) echo '*.bib' ;; ris) echo '*.ris' ;; csl-json) echo '*.json' ;;
    jats) echo '*.xml *.nxml' ;; profile) echo '*.txt' ;; roundtrip) echo '*.bib *.ris *.json *.xml *.txt' ;;
  esac
}
for t in "${targets[@]}"; do binary_of "$t" >/dev/null; done

# The same dependency pins as the main package, so the build resolves from the local cache.
[ -f Package.resolved ] && cp Package.resolved Fuzz/Package.resolved
# Instrumented like -sanitize=fuzzer, but linked with libFuzzer without its main: SwiftPM
# gives every executable a Swift main, which calls LLVMFuzzerRunDriver (Fuzz/Sources/CFuzzer).
libfuzzer=$(ls "$(dirname "$(readlink -f "$(command -v swift)")")"/../lib/clang/*/lib/linux/libclang_rt.fuzzer_no_main-"$(uname -m)".a 2>/dev/null | head -1)
if [ -z "$libfuzzer" ]; then
  echo "libclang_rt.fuzzer_no_main not found beside the Swift toolchain; libFuzzer needs a Linux Swift toolchain" >&2
  exit 2
fi
flags=(-c release -Xswiftc -sanitize=address -Xswiftc -sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table
  -Xswiftc -g -Xlinker "$libfuzzer" -Xlinker -lstdc++)
echo "building the fuzz harnesses (the first build takes a while; log: $scratch/build.log) ..." >&2
nice -n "$nice_level" swift build --package-path Fuzz --scratch-path "$scratch" "${flags[@]}" >"$scratch/build.log" 2>&1 || {
  tail -40 "$scratch/build.log" >&2
  exit 2
}
bin=$(swift build --package-path Fuzz --scratch-path "$scratch" "${flags[@]}" --show-bin-path)

# One target: seed, fuzz, summarise into $scratch/TARGET.summary (status 1 on a finding).
run_target() {
  local t=$1 exe corpus seeds artifacts log rc last execs cov ft found
  exe=$bin/$(binary_of "$t")
  corpus=$scratch/corpus/$t
  seeds=$scratch/seeds/$t
  artifacts=$scratch/artifacts/$t
  mkdir -p "$corpus" "$seeds" "$artifacts"
  # Seeds: fixtures and shared corpus files of this format, each at most MAX_LEN bytes.
  for pattern in $(seeds_of "$t"); do
    find Tests Samples ../shared/corpus -type f -name "$pattern" -size -"$((max_len / 1024 + 1))"k 2>/dev/null |
      while read -r f; do cp "$f" "$seeds/$(echo "$f" | md5sum | cut -c1-16)-$(basename "$f")"; done
  done
  log=$scratch/$t.log
  echo "fuzzing $t for ${seconds}s ($(ls "$seeds" | wc -l) seeds) -> $log" >&2
  set +e
  BIBKIT_FUZZ_CPU_LIMIT=$cpu_limit nice -n "$nice_level" "$exe" "$corpus" "$seeds" \
    -max_total_time="$seconds" -timeout="$wall_timeout" -rss_limit_mb="$rss_mb" -max_len="$max_len" \
    -report_slow_units="$wall_timeout" -artifact_prefix="$artifacts/" -print_final_stats=1 ${JOBS_FLAGS:-} >"$log" 2>&1
  rc=$?
  set -e
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1)
  cov=$(echo "$last" | grep -o 'cov: [0-9]*' | grep -o '[0-9]*')
  ft=$(echo "$last" | grep -o 'ft: [0-9]*' | grep -o '[0-9]*')
  # crash-*, oom-*, timeout-*, leak-*; slow-unit-* files only record wall time (see above).
  found=$(ls "$artifacts" | grep -vc '^slow-unit-' || true)
  printf '%-10s %6ss %10s execs  cov %6s  ft %7s  findings %s  exit %s\n' \
    "$t" "$seconds" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$found" "$rc" >"$scratch/$t.summary"
  if [ "$rc" -ne 0 ]; then
    grep -m5 -E 'ERROR|Fatal error|deadly signal|slow input|timeout|out-of-memory' "$log" >&2 || true
    return 1
  fi
}

status=0
if [ "${PARALLEL:-0}" = 1 ]; then
  pids=()
  for t in "${targets[@]}"; do run_target "$t" & pids+=($!); done
  for p in "${pids[@]}"; do wait "$p" || status=1; done
else
  for t in "${targets[@]}"; do run_target "$t" || status=1; done
fi
for t in "${targets[@]}"; do cat "$scratch/$t.summary"; done
exit $status
