#!/usr/bin/env bash
# bibkit benchmark: time, throughput and peak memory of every reader and writer through the
# main conversions, on generated inputs, with bibutils, pandoc, bibtool and bibclean doing
# the same conversion side by side in the same run when they are installed.
#
#   scripts/bench.sh                       # 1 000 and 10 000 entries
#   scripts/bench.sh 1000 10000 100000     # and the 100k/10k scale check
#   PEERS=0 scripts/bench.sh 100000        # skip the peers (pandoc takes minutes at 100k)
#   RUNS=1 ONLY=csl scripts/bench.sh       # one run; only conversions whose name has 'csl'
#
# Columns: wall seconds, CPU seconds (user+sys), MB/s of input per wall second and per CPU
# second, peak resident memory. Each figure is the median of RUNS runs (default 3).
# A streamed conversion (one file, no transforms, BibTeX or RIS in, CSL-JSON, RIS, BibTeX or
# BibLaTeX out) to BibTeX or BibLaTeX reads on one thread while it writes on another
# (`--threads`; default 2 for those outputs on two processors or more, 1 for CSL-JSON and
# RIS): its wall time is then below its CPU time on an idle machine. The row ending in
# `-1thread` runs it with `--threads 1` (the one-core figure), the one ending in `-2threads`
# CSL-JSON output with `--threads 2`. Peers: the CPU ratio
# (peer CPU / bibkit CPU) and the wall ratio (peer wall / bibkit wall); both drift on a
# loaded machine (the wall ratio most: the second thread needs a free core). With two or
# more sizes, a last table gives the CPU-time ratio of each conversion between consecutive
# sizes (linear time: about the ratio of the sizes).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
shared=$(cd ../shared 2>/dev/null && pwd) || { echo "needs ../shared (the generator is ../shared/bench/gen_corpus.py)" >&2; exit 2; }
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)
runs=${RUNS:-3}
peers=${PEERS:-1}
only=${ONLY:-}
out="$root/bench-out"; mkdir -p "$out"

scripts/ensure-deps.sh
bin=$(scripts/build-release.sh 2>/dev/null)

# median of `runs` measurements of a shell command: prints "wall cpu peakKB"
measure() {
  local cmd=$1 i line tf
  local -a walls=() cpus=() mems=()
  tf=$(mktemp "$out/.time.XXXXXX")
  for ((i = 0; i < runs; i++)); do
    /usr/bin/time -o "$tf" -f "%e %U %S %M" bash -c "$cmd" >/dev/null 2>&1 || true
    read -r w u s m < <(tail -n 1 "$tf")
    walls+=("$w"); cpus+=("$(awk -v u="$u" -v s="$s" 'BEGIN{printf "%.2f", u + s}')"); mems+=("$m")
  done
  rm -f "$tf"
  local mid=$(( (runs + 1) / 2 ))
  printf '%s %s %s\n' "$(printf '%s\n' "${walls[@]}" | sort -n | sed -n "${mid}p")" \
    "$(printf '%s\n' "${cpus[@]}" | sort -n | sed -n "${mid}p")" \
    "$(printf '%s\n' "${mems[@]}" | sort -n | sed -n "${mid}p")"
}

declare -A cpu_of
fmt='%-26s %8s %7s %8s %8s %8s %8s %8s   %-16s %8s %8s %8s %9s %10s\n'
printf "$fmt" conversion entries "in MB" "wall s" "cpu s" "MB/s" "MB/cpu-s" "peak MB" peer "wall s" "cpu s" "peak MB" "cpu ratio" "wall ratio"

# row NAME INPUT BIBKIT-ARGS [PEER-LABEL PEER-COMMAND]...
row() {
  local name=$1 input=$2 args=$3; shift 3
  [ -z "$only" ] || [[ $name == *"$only"* ]] || return 0
  [ -s "$input" ] || return 0
  local mb w c kb
  mb=$(awk -v b="$(stat -L -c %s "$input")" 'BEGIN{printf "%.1f", b/1048576}')
  read -r w c kb < <(measure "'$bin' convert '$input' $args -q -o /dev/null")
  cpu_of["$name/$n"]=$c
  local mbs; mbs=$(awk -v m="$mb" -v s="$c" 'BEGIN{ if (s > 0) printf "%.1f", m/s; else print "-" }')
  local mbw; mbw=$(awk -v m="$mb" -v s="$w" 'BEGIN{ if (s > 0) printf "%.1f", m/s; else print "-" }')
  local mine; mine=$(awk -v k="$kb" 'BEGIN{printf "%.0f", k/1024}')
  if [ "$peers" != 1 ] || [ $# -eq 0 ]; then
    printf "$fmt" "$name" "$n" "$mb" "$w" "$c" "$mbw" "$mbs" "$mine" - - - - - -
    return 0
  fi
  local first=1
  while [ $# -ge 2 ]; do
    local label=$1 cmd=$2; shift 2
    command -v "${cmd%% *}" >/dev/null || continue
    local pw pc pkb
    read -r pw pc pkb < <(measure "$cmd")
    local ratio; ratio=$(awk -v a="$pc" -v b="$c" 'BEGIN{ if (b > 0) printf "%.1fx", a/b; else print "-" }')
    local wratio; wratio=$(awk -v a="$pw" -v b="$w" 'BEGIN{ if (b > 0) printf "%.1fx", a/b; else print "-" }')
    if [ $first = 1 ]; then
      printf "$fmt" "$name" "$n" "$mb" "$w" "$c" "$mbw" "$mbs" "$mine" "$label" "$pw" "$pc" "$(awk -v k="$pkb" 'BEGIN{printf "%.0f", k/1024}')" "$ratio" "$wratio"
      first=0
    else
      printf "$fmt" "" "" "" "" "" "" "" "" "$label" "$pw" "$pc" "$(awk -v k="$pkb" 'BEGIN{printf "%.0f", k/1024}')" "$ratio" "$wratio"
    fi
  done
  [ $first = 0 ] || printf "$fmt" "$name" "$n" "$mb" "$w" "$c" "$mbw" "$mbs" "$mine" - - - - - -
}

for n in "${sizes[@]}"; do
  bib="$out/gen-$n.bib"; ris="$out/gen-$n.ris"
  [ -s "$bib" ] && [ -s "$ris" ] || python3 "$shared/bench/gen_corpus.py" "$n" --bib "$bib" --ris "$ris" >/dev/null
  # CSL-JSON input: what bibkit itself writes from the RIS side (the generator has no JSON).
  json="$out/gen-$n.json"
  [ -s "$json" ] || "$bin" convert "$ris" --to csl-json -q -o "$json" || true

  row bibtex-\>csl-json "$bib" "--from bibtex --to csl-json" \
    pandoc "pandoc -f bibtex -t csljson '$bib'"
  row bibtex-\>csl-json-2threads "$bib" "--from bibtex --to csl-json --threads 2"
  row bibtex-\>csl-json-whole "$bib" "--from bibtex --to csl-json --no-stream"
  row bibtex-\>bibtex "$bib" "--from bibtex --to bibtex" \
    bibtool "bibtool -q '$bib'" bibclean "bibclean -no-warnings '$bib'"
  row bibtex-\>bibtex-1thread "$bib" "--from bibtex --to bibtex --threads 1"
  row bibtex-\>biblatex "$bib" "--from bibtex --to biblatex"
  row bibtex-\>ris "$bib" "--from bibtex --to ris" \
    "bib2xml|xml2ris" "bib2xml '$bib' | xml2ris"
  row bibtex-\>ris-whole "$bib" "--from bibtex --to ris --no-stream"
  row bibtex-\>jats "$bib" "--from bibtex --to jats"
  row ris-\>bibtex "$ris" "--from ris --to bibtex" \
    "ris2xml|xml2bib" "ris2xml '$ris' | xml2bib"
  row ris-\>csl-json "$ris" "--from ris --to csl-json"
  row ris-\>csl-json-whole "$ris" "--from ris --to csl-json --no-stream"
  row ris-\>ris "$ris" "--from ris --to ris"
  row ris-\>ris-whole "$ris" "--from ris --to ris --no-stream"
  row csl-json-\>bibtex "$json" "--from csl-json --to bibtex" \
    pandoc "pandoc -f csljson -t bibtex '$json'"
  row csl-json-\>ris "$json" "--from csl-json --to ris"
  # The whole transform chain (clean → dedupe/merge → keys → sort) on the BibTeX input.
  row bibtex-transforms "$bib" "--from bibtex --to bibtex --clean --dedupe --merge combine --generate-keys --sort year,author"
done

if [ ${#sizes[@]} -ge 2 ]; then
  echo
  printf '%-26s' "cpu-time ratio"
  for ((k = 1; k < ${#sizes[@]}; k++)); do printf ' %14s' "${sizes[k]}/${sizes[k-1]}"; done
  echo
  for key in "${!cpu_of[@]}"; do echo "${key%/*}"; done | sort -u | while read -r name; do
    printf '%-26s' "$name"
    for ((k = 1; k < ${#sizes[@]}; k++)); do
      a=${cpu_of["$name/${sizes[k]}"]:-}; b=${cpu_of["$name/${sizes[k-1]}"]:-}
      printf ' %14s' "$(awk -v a="$a" -v b="$b" 'BEGIN{ if (a != "" && b > 0) printf "%.1f", a/b; else print "-" }')"
    done
    echo
  done
fi
