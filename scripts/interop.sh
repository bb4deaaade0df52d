#!/usr/bin/env bash
# scripts/interop.sh -- run the independent oracles of ../shared/oracles over bibkit's output for
# the WHOLE corpus (../shared/corpus) and the profile sample, and compare with pandoc.
#
# Usage: scripts/interop.sh [CHECK ...]        (default: every check)
#   checks:
#     csljson      BibTeX, RIS       --to csl-json  -> csljson_valid.py (official schema, lint,
#                                                       rendering in pandoc and citeproc-py)
#     ris          RIS, BibTeX       --to ris       -> ris_parses.py (rispy + bibutils ris2xml)
#     jats         BibTeX, RIS, CSL-JSON, profile --to jats -> jats_valid.sh (NISO JATS 1.3 DTD),
#                                                       `bibkit validate` (our XSD), and every
#                                                       publication-type on the JATS4R list
#     jats-bibtex  JATS articles     --to bibtex    -> bibtex_compiles.sh, and every <ref> read
#     ris-bibtex   RIS               --to bibtex    -> bibtex_compiles.sh
#     pandoc       BibTeX            --to csl-json vs `pandoc -f bibtex -t csljson`, compare_csl.py
#                  (ignoring custom, citation-key, title-short): the share of fields both write
#                  on which they agree must be >= MIN_AGREEMENT, and no item may have fewer
#                  fields than pandoc's unless listed in Tests/InteropTests/Fixtures/pandoc-agreement.txt
# Environment: JOBS (parallel jobs, default 2, at most 2 on the shared machine), OUT (result
#   folder, default bench-out/interop), BIBKIT (a built binary; default: build release),
#   MIN_AGREEMENT (default 0.95), LIMIT (only the first N files per check, for a quick try),
#   FILES_MATCHING (an ERE: only the corpus paths it matches), FILES_FROM (a file of corpus
#   paths, one a line: only those), APPEND=1 (keep the results of
#   earlier runs in $OUT and replace only those of the files run now; the summary covers all),
#   SKIP_DONE=1 (with APPEND=1: run only the files that have no result yet, to resume a sweep).
# Oracle flags per corpus file (--allow-missing-title, --allow-data-warnings, xfail ...) come from
#   Tests/InteropTests/Fixtures/oracle-flags.txt, each with the reason the source justifies it.
#   `xfail` marks a file the oracle is known to fail on for that reason; `xfail=PATTERN` (an ERE,
#   `.` for spaces) tolerates only the problems it matches, any other problem still fails. Such a
#   file counts as "xfail", and as "xpass" (a stale flag) when the oracle passes.
# Output: a summary table on stdout (files, passed, failed, with each failure's reason);
#   $OUT/results.json (machine-readable), $OUT/results.tsv (one line per check and file),
#   $OUT/logs/<check>/<file>.log (the oracle's report), $OUT/pandoc/ (the comparisons).
# Exit: 0 when every check passed (xfail allowed), 1 otherwise, 2 when a tool is missing.
# Run it niced, it takes a while: `nice -n 19 scripts/interop.sh > interop.log 2>&1 &`.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHARED="${SHARED:-$ROOT/../shared}"
CORPUS="$SHARED/corpus"
ORACLES="$SHARED/oracles"
PROFILE="${PROFILE:-$SHARED/samples/profile-max-zimmer.txt}"
FLAGS="$ROOT/Tests/InteropTests/Fixtures/oracle-flags.txt"
AGREEMENT="$ROOT/Tests/InteropTests/Fixtures/pandoc-agreement.txt"
OUT="${OUT:-$ROOT/bench-out/interop}"
JOBS="${JOBS:-2}"
MIN_AGREEMENT="${MIN_AGREEMENT:-0.95}"
ALL_CHECKS=(csljson ris jats jats-bibtex ris-bibtex pandoc)

# ---------------------------------------------------------------------------------------------
# One job: `interop.sh --job CHECK RELPATH` (RELPATH relative to the corpus, or "profile").
# Writes $OUT/results/CHECK/<name>.tsv: check, path, status, entries, reason.
# ---------------------------------------------------------------------------------------------
flags_for() { # oracle path -> the listed flags (one line)
  awk -v o="$1" -v p="$2" '!/^#/ && $1 == o && $2 == p { sub(/#.*/, ""); for (i = 3; i <= NF; i++) printf "%s ", $i }' "$FLAGS"
}

job() {
  local check="$1" rel="$2"
  local name="${rel//\//__}"
  local src="$CORPUS/$rel" asof=()
  if [ "$rel" = profile ]; then src="$PROFILE"; asof=(--as-of 2026-11-24); fi
  local tmp; tmp="$(mktemp -d -t bibkit-interop.XXXXXX)"
  local log="$OUT/logs/$check/$name.log" res="$OUT/results/$check/$name.tsv"
  mkdir -p "$OUT/logs/$check" "$OUT/results/$check"
  : > "$log"
  local status=pass entries=0 reason=""
  emit() { printf '%s\t%s\t%s\t%s\t%s\n' "$check" "$rel" "$status" "$entries" "${reason//$'\t'/ }" > "$res"; rm -rf "$tmp"; }

  # The conversion bibkit has to do for this check.
  local to ext
  case "$check" in
    csljson|pandoc) to=csl-json; ext=json;;
    ris) to=ris; ext=ris;;
    jats) to=jats; ext=xml;;
    jats-bibtex|ris-bibtex) to=bibtex; ext=bib;;
  esac
  local out="$tmp/out.$ext"
  "$BIBKIT" convert "$src" "${asof[@]}" --to "$to" -o "$out" -q --diagnostics text 2> "$tmp/convert.err"
  local rc=$?
  { echo "== bibkit convert $rel --to $to: exit $rc"; head -c 4000 "$tmp/convert.err"; } >> "$log"
  if [ $rc -ge 2 ] || [ ! -e "$out" ]; then
    status=unreadable
    reason="bibkit exit $rc: $(grep -m1 'error' "$tmp/convert.err" | cut -c1-200)"
    emit; return
  fi
  case "$ext" in
    json) entries=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$out" 2>/dev/null || echo 0);;
    ris) entries=$(grep -c '^TY  - ' "$out");;
    xml) entries=$(grep -c '<ref id=' "$out");;
    bib) entries=$(grep -c '^@' "$out");;
  esac
  if [ "$entries" = 0 ]; then status=empty; reason="bibkit read no entry (exit $rc)"; emit; return; fi

  run_oracle() { # oracle-name command... ; sets status/reason on failure
    local oracle="$1"; shift
    local listed; listed="$(flags_for "$oracle" "$rel")"
    local xfail=0 args=() known=()
    for f in $listed; do
      case "$f" in
        xfail) xfail=1;;
        xfail=*) known+=(-e "${f#xfail=}");;
        *) args+=("$f");;
      esac
    done
    echo "== $oracle ${args[*]}" >> "$log"
    "$@" "${args[@]}" "$out" > "$tmp/oracle.log" 2>&1
    local orc=$?
    cat "$tmp/oracle.log" >> "$log"
    # the problems the oracle lists, without the known ones (xfail=PATTERN)
    grep -E '^ +- ' "$tmp/oracle.log" | sed -E 's/^ +- //' > "$tmp/problems"
    if [ ${#known[@]} -gt 0 ]; then grep -E -v "${known[@]}" "$tmp/problems" > "$tmp/left"; else cp "$tmp/problems" "$tmp/left"; fi
    local verdict; verdict="$(grep '^RESULT' "$tmp/oracle.log" | tail -1 | sed 's/^RESULT: [A-Z]* [^ ]*//' | cut -c1-120)"
    verdict="$verdict $(awk '!seen[$0]++' "$tmp/left" | head -3 | cut -c1-160 | paste -sd '|')"
    if [ $orc -eq 2 ]; then status=error; reason="$oracle: usage or missing tool"; return 1; fi
    if [ $xfail = 1 ] || [ ${#known[@]} -gt 0 ]; then
      if [ $orc -eq 0 ]; then status=xpass; reason="$oracle passes: remove its xfail from oracle-flags.txt"; return 1; fi
      if [ $xfail = 1 ] || { [ -s "$tmp/problems" ] && [ ! -s "$tmp/left" ]; }; then
        [ "$status" = pass ] && { status=xfail; reason="$oracle: known failure (oracle-flags.txt): $(head -1 "$tmp/problems" | cut -c1-120)"; }
        return 0
      fi
    fi
    if [ $orc -ne 0 ]; then status=fail; reason="$oracle ${args[*]}: $verdict"; return 1; fi
    return 0
  }

  case "$check" in
    csljson) run_oracle csljson_valid python3 "$ORACLES/csljson_valid.py";;
    ris) run_oracle ris_parses python3 "$ORACLES/ris_parses.py";;
    jats-bibtex|ris-bibtex)
      run_oracle bibtex_compiles bash "$ORACLES/bibtex_compiles.sh"
      if [ "$check" = jats-bibtex ] && [ "$status" != fail ]; then
        # every <ref> of the article accounted for
        local refs; refs=$(python3 - "$src" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
print(len(re.findall(r"<ref[\s>]", text)))
PY
)
        if [ "$refs" != "$entries" ]; then status=fail; reason="$refs <ref> in the article, $entries BibTeX entries"; fi
      fi;;
    jats)
      run_oracle jats_valid bash "$ORACLES/jats_valid.sh"
      echo "== bibkit validate (our XSD)" >> "$log"
      if ! "$BIBKIT" validate "$out" --from jats --no-rules -q >> "$log" 2>&1; then
        status=fail; reason="${reason:+$reason; }bibkit validate: $(grep -m1 'error' "$log" | cut -c1-200)"
      fi
      # the JATS4R advisories jats_valid.sh prints (they fail only with --strict): publication-type
      local types; types="$(grep -e 'is not in the JATS4R' -e 'no publication-type' "$tmp/oracle.log")"
      if [ -n "$types" ]; then
        status=fail; reason="${reason:+$reason; }publication-type outside JATS4R: $(head -1 <<< "$types" | cut -c1-160)"
      fi;;
    pandoc)
      local ref="$tmp/pandoc.json" cmp="$OUT/pandoc/$name.json"
      mkdir -p "$OUT/pandoc"
      # pandoc 2.17 never returns on a crossref cycle (python-bibtexparser/crossref_cascading_cycle.bib)
      timeout -k 10 300 pandoc -f bibtex -t csljson "$src" > "$ref" 2>> "$log"
      local prc=$?
      if [ $prc -ne 0 ]; then
        status=skip; reason="pandoc cannot read the file ($( [ $prc = 124 ] && echo 'no answer in 300 s' || echo "exit $prc"))"; emit; return
      fi
      python3 "$ORACLES/compare_csl.py" --ignore custom,citation-key,title-short --json "$out" "$ref" > "$cmp" 2>> "$log"
      # equal and both-written fields, and items where bibkit writes fewer fields than pandoc
      # Fields are counted when they are CSL variables of the official schema: pandoc also
      # writes "other-ids" (from biblatex `ids`), which is not one (bibkit keeps `ids` in custom).
      local line; line=$(python3 - "$out" "$ref" "$cmp" "$rel" "$AGREEMENT" "$SHARED/schemas-official/csl-data.json" <<'PY'
import json, sys
ours, ref, cmp, rel, agreement, schema = sys.argv[1:7]
s = json.load(open(schema, encoding="utf-8"))
variables = set((s.get("items") or s)["properties"])
def counts(path):
    out = {}
    for it in json.load(open(path, encoding="utf-8")):
        if not isinstance(it, dict) or "id" not in it: continue
        out[it["id"]] = sum(1 for k, v in it.items() if k in variables
                            and k not in ("id", "custom", "citation-key", "title-short") and v not in ("", [], {}, None))
    return out
allowed = set()
for l in open(agreement, encoding="utf-8"):
    if l.startswith("fewer "): allowed.add(l.split()[1])
a, b = counts(ours), counts(ref)
fewer = [f"{i}: {a.get(i, 0)} < {n}" for i, n in b.items() if a.get(i, 0) < n and f"{rel}#{i}" not in allowed]
stats = json.load(open(cmp, encoding="utf-8"))["field_stats"]
eq = sum(s["equal"] for s in stats.values())
both = sum(s["compared"] - s["missing_in_a"] - s["missing_in_b"] for s in stats.values())
print(f"{eq}\t{both}\t{len(fewer)}\t{'; '.join(fewer)[:300]}")
PY
)
      local eq both nfewer fewer
      IFS=$'\t' read -r eq both nfewer fewer <<< "$line"
      printf '%s\t%s\t%s\n' "$rel" "$eq" "$both" > "$OUT/pandoc/$name.agreement"
      reason="agree $eq/$both"
      if [ "${nfewer:-0}" != 0 ]; then status=fail; reason="fewer fields than pandoc on $nfewer item(s): $fewer"; fi;;
  esac
  emit
}

if [ "${1:-}" = --job ]; then
  shift
  IFS='|' read -r c p <<< "$1"
  job "$c" "$p"
  exit 0
fi

# ---------------------------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------------------------
checks=("$@"); [ ${#checks[@]} -eq 0 ] && checks=("${ALL_CHECKS[@]}")
for c in "${checks[@]}"; do
  case " ${ALL_CHECKS[*]} " in *" $c "*) ;; *) echo "unknown check: $c (one of ${ALL_CHECKS[*]})" >&2; exit 64;; esac
done

need=(python3 pandoc xmllint ris2xml pdflatex bibtex)
missing=(); for t in "${need[@]}"; do command -v "$t" >/dev/null || missing+=("$t"); done
python3 -c 'import rispy, citeproc, jsonschema' 2>/dev/null || missing+=(python-modules)
if [ ${#missing[@]} -gt 0 ]; then
  echo "oracle tools missing (${missing[*]}): running $ORACLES/install.sh" >&2
  bash "$ORACLES/install.sh" || { echo "cannot install the oracle tools" >&2; exit 2; }
fi
[ -d "$CORPUS" ] || { echo "corpus not found: $CORPUS" >&2; exit 2; }

if [ -z "${BIBKIT:-}" ]; then
  echo "building bibkit (release)..." >&2
  BIBKIT="$("$ROOT/scripts/build-release.sh")" || exit 2
fi
# the interpreter itself rather than a version-manager shim (one fork less per oracle call)
PY_DIR="$(dirname "$(python3 -c 'import sys; print(sys.executable)')")"
export PATH="$PY_DIR:$PATH"
export BIBKIT OUT SHARED CORPUS ORACLES PROFILE FLAGS AGREEMENT
if [ "${APPEND:-0}" = 1 ]; then mkdir -p "$OUT"; else rm -rf "$OUT"; mkdir -p "$OUT"; fi

files() { # folder ext... -> corpus-relative paths, sorted
  local folder="$1"; shift
  local expr=() e
  for e in "$@"; do expr+=(${expr[@]:+-o} -name "*.$e"); done
  (cd "$CORPUS" && find "$folder" -type f \( "${expr[@]}" \) | LC_ALL=C sort) | head -n "${LIMIT:-1000000}"
}
{
  for c in "${checks[@]}"; do
    case "$c" in
      csljson) files bibtex bib; files ris ris;;
      ris) files ris ris; files bibtex bib;;
      jats) files bibtex bib; files ris ris; files csl-json json; echo profile;;
      jats-bibtex) files jats xml nxml;;
      ris-bibtex) files ris ris;;
      pandoc) files bibtex bib;;
    esac | grep -E -- "${FILES_MATCHING:-.}" | { if [ -n "${FILES_FROM:-}" ]; then grep -F -x -f "$FILES_FROM"; else cat; fi; } | sed "s/^/$c|/"
  done
} > "$OUT/jobs.txt"
if [ "${SKIP_DONE:-0}" = 1 ]; then # APPEND=1 SKIP_DONE=1: only the files without a result yet
  while IFS='|' read -r c p; do [ -s "$OUT/results/$c/${p//\//__}.tsv" ] || echo "$c|$p"; done < "$OUT/jobs.txt" > "$OUT/jobs.left"
  mv "$OUT/jobs.left" "$OUT/jobs.txt"
fi
for job in $(tr '|' '\t' < "$OUT/jobs.txt" | awk -F'\t' '{ gsub("/", "__", $2); print $1 "/" $2 }'); do
  rm -f "$OUT/results/$job.tsv" "$OUT/pandoc/${job#pandoc/}.agreement"
done
total=$(wc -l < "$OUT/jobs.txt")
echo "interop: $total jobs (${checks[*]}), $JOBS in parallel, bibkit $("$BIBKIT" --version 2>/dev/null)" >&2
start=$(date +%s)
tr '\n' '\0' < "$OUT/jobs.txt" | xargs -0 -r -P "$JOBS" -n 1 "$ROOT/scripts/interop.sh" --job
echo "interop: done in $(( $(date +%s) - start )) s" >&2

cat "$OUT"/results/*/*.tsv > "$OUT/results.tsv" 2>/dev/null
# the summary covers every check with results in $OUT (APPEND=1 runs add to earlier ones)
checks=(); for c in "${ALL_CHECKS[@]}"; do [ -d "$OUT/results/$c" ] && checks+=("$c"); done
python3 - "$OUT" "$MIN_AGREEMENT" "${checks[@]}" <<'PY'
import json, os, sys, glob
out, floor, checks = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
rows = [l.rstrip("\n").split("\t") for l in open(os.path.join(out, "results.tsv"), encoding="utf-8", errors="replace") if l.strip()]
result = {"checks": {}, "ok": True}
print(f"{'check':<12} {'files':>6} {'entries':>8} {'passed':>7} {'xfail':>6} {'failed':>7} {'n/a':>5}")
failures = []
for c in checks:
    rs = [r for r in rows if r[0] == c]
    by = lambda *s: [r for r in rs if r[2] in s]
    passed, xfail, failed, na = by("pass"), by("xfail"), by("fail", "xpass", "error"), by("unreadable", "empty", "skip")
    entries = sum(int(r[3] or 0) for r in rs)
    print(f"{c:<12} {len(rs):>6} {entries:>8} {len(passed):>7} {len(xfail):>6} {len(failed):>7} {len(na):>5}")
    failures += [(c, r[1], r[2], r[4]) for r in failed]
    entry = {"files": len(rs), "entries": entries, "passed": len(passed), "xfail": len(xfail),
             "failed": len(failed), "not_applicable": len(na),
             "results": [{"path": r[1], "status": r[2], "entries": int(r[3] or 0), "reason": r[4]} for r in rs]}
    if c == "pandoc":
        eq = both = 0
        for f in glob.glob(os.path.join(out, "pandoc", "*.agreement")):
            _, e, b = open(f, encoding="utf-8", errors="replace").read().split("\t")
            eq, both = eq + int(e), both + int(b)
        share = eq / both if both else 0.0
        entry.update({"equal": eq, "both_write": both, "agreement": round(share, 4), "floor": floor})
        print(f"{'':<12} pandoc agreement over fields both write: {eq}/{both} = {share:.2%} (floor {floor:.0%})")
        if share < floor:
            failures.append(("pandoc", "(whole corpus)", "fail", f"agreement {share:.2%} below {floor:.0%}"))
            entry["failed"] += 0
            result["ok"] = False
    result["checks"][c] = entry
    if failed: result["ok"] = False
for c, p, s, why in failures:
    print(f"  {s.upper():<5} {c:<11} {p}: {why}")
na = [(r[0], r[1], r[2], r[4]) for r in rows if r[2] in ("unreadable", "empty", "skip")]
for c, p, s, why in na:
    print(f"  n/a   {c:<11} {p}: {s}: {why}")
json.dump(result, open(os.path.join(out, "results.json"), "w", encoding="utf-8"), indent=1, ensure_ascii=False)
print(f"results: {os.path.join(out, 'results.json')}, logs: {os.path.join(out, 'logs')}")
sys.exit(0 if result["ok"] else 1)
PY
