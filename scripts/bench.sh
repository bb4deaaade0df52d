#!/usr/bin/env bash
# bibkit benchmark: wall time, throughput and peak memory of the main conversions on
# generated inputs, with bibutils and pandoc side by side when they are installed.
#
#   scripts/bench.sh                 # 1 000 and 10 000 entries
#   scripts/bench.sh 1000 10000 100000
#   PEERS=0 scripts/bench.sh 100000  # skip the peers (pandoc takes minutes at 100k)
#
# Each figure is the median of RUNS runs (default 3). The ratio column (peer / bibkit)
# is the figure that counts: absolute times drift on shared machines.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
shared=$(cd ../shared 2>/dev/null && pwd) || { echo "needs ../shared (the generator is ../shared/bench/gen_corpus.py)" >&2; exit 2; }
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)
runs=${RUNS:-3}
peers=${PEERS:-1}
out="$root/bench-out"; mkdir -p "$out"

scripts/ensure-deps.sh
swift build -c release --product bibkit >/dev/null
bin="$root/.build/release/bibkit"
readable=$("$bin" formats | awk 'NR>1 && $2=="yes" {print $1}')

# median of `runs` measurements of a shell command: prints "seconds peakKB"
measure() {
  local cmd=$1 i line
  local -a secs=() mems=()
  for ((i = 0; i < runs; i++)); do
    /usr/bin/time -o "$out/.time" -f "%e %M" bash -c "$cmd" >/dev/null 2>&1 || true
    line=$(tail -n 1 "$out/.time")
    secs+=("${line% *}"); mems+=("${line#* }")
  done
  printf '%s %s\n' "$(printf '%s\n' "${secs[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")" \
                   "$(printf '%s\n' "${mems[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")"
}

printf '%-22s %8s %8s %9s %9s %9s   %-28s %9s %9s %7s\n' conversion entries MB "bibkit s" "MB/s" "peak MB" peer "peer s" "peer MB" ratio
for n in "${sizes[@]}"; do
  bib="$out/gen-$n.bib"; ris="$out/gen-$n.ris"
  [ -s "$bib" ] && [ -s "$ris" ] || python3 "$shared/bench/gen_corpus.py" "$n" --bib "$bib" --ris "$ris" >/dev/null
  # CSL-JSON input: what bibkit itself writes from the RIS side (the generator has no JSON).
  json="$out/gen-$n.json"
  [ -s "$json" ] || "$bin" convert "$ris" --to csl-json -q -o "$json" || true

  rows=(
    "bibtex:bibtex->csl-json:$bib:csl-json:pandoc:pandoc -f bibtex -t csljson $bib"
    "bibtex:bibtex->bibtex:$bib:bibtex:bibtool:bibtool -q $bib"
    "bibtex:bibtex->ris:$bib:ris:bib2xml|xml2ris:bib2xml $bib | xml2ris"
    "bibtex:bibtex->jats:$bib:jats::"
    "ris:ris->bibtex:$ris:bibtex:ris2xml|xml2bib:ris2xml $ris | xml2bib"
    "ris:ris->csl-json:$ris:csl-json::"
    "csl-json:csl-json->bibtex:$json:bibtex:pandoc:pandoc -f csljson -t bibtex $json"
  )
  for row in "${rows[@]}"; do
    IFS=: read -r from name input to label peer <<<"$row"
    grep -qx "$from" <<<"$readable" || { printf '%-22s %8s  (bibkit cannot read %s yet)\n' "$name" "$n" "$from"; continue; }
    [ -s "$input" ] || continue
    mb=$(awk -v b="$(stat -c %s "$input")" 'BEGIN{printf "%.1f", b/1048576}')
    read -r s kb < <(measure "'$bin' convert '$input' --from $from --to $to -q -o /dev/null")
    mbs=$(awk -v m="$mb" -v s="$s" 'BEGIN{ if (s > 0) printf "%.1f", m/s; else print "-" }')
    peerName="-"; ps="-"; pmb="-"; ratio="-"
    if [ "$peers" = 1 ] && [ -n "$peer" ] && command -v "${peer%% *}" >/dev/null; then
      peerName=$label
      read -r ps pkb < <(measure "$peer")
      pmb=$(awk -v k="$pkb" 'BEGIN{printf "%.0f", k/1024}')
      ratio=$(awk -v a="$ps" -v b="$s" 'BEGIN{ if (b > 0) printf "%.1fx", a/b; else print "-" }')
    fi
    printf '%-22s %8s %8s %9s %9s %9.0f   %-28s %9s %9s %7s\n' "$name" "$n" "$mb" "$s" "$mbs" "$(awk -v k="$kb" 'BEGIN{print k/1024}')" "$peerName" "$ps" "$pmb" "$ratio"
  done
done
