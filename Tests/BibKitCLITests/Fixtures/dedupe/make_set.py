#!/usr/bin/env python3
"""Builds the second labelled duplicate set (set.bib, set.ris, labels.json) for DedupeSetTests.

Deterministic: the same corpus and the same bibkit give the same files. Independent of the
first set (Tests/BibKitTests/DedupeCorpusTests.swift, built in Swift from the corpus's RIS and
CSL-JSON records): this one takes the corpus's BibTeX and JATS records (read through
`bibkit convert --to csl-json`), perturbs them with its own code and random stream, and writes
the files itself (BibTeX and RIS text made here, not by bibkit's writers).

    python3 Tests/BibKitCLITests/Fixtures/dedupe/make_set.py [--bibkit .build/debug/bibkit]

Every base record appears once in set.bib (key oNNNN, Unicode text). Its perturbed duplicate
(key dNNNN) goes to set.ris or set.bib. Half the pairs have the DOI on the duplicate's side
dropped, 15% on the original's side; then two to four of: another key; case changes;
punctuation changes; LaTeX accents instead of Unicode; given names cut to initials; the DOI
written with a resolver prefix (in capitals); the journal abbreviated;
`-`/`--`/en dash pages; fields missing (volume, issue, pages, publisher, journal, DOI); fewer
authors with `and others`; the year one later (online first). Hard non-duplicates (hNNNN,
qNNNN) of every third base record: the same title in another year (two to seven later), another
edition (both sides name it, or the later edition names it), Part I / Part II (both new, with
the base title before them), the same authors and year with another record's title.
"""
import argparse
import glob
import html
import json
import os
import random
import re
import subprocess
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", "..", ".."))
CORPUS = os.path.abspath(os.path.join(ROOT, "..", "shared", "corpus"))
SEED = 20261126
LIMIT = 700


def plain(s):
    s = re.sub(r"<[^>]+>", "", s or "")
    return re.sub(r"\s+", " ", html.unescape(s)).strip()


def fold(s):
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "", s.lower())


def read_corpus(bibkit):
    files = sorted(glob.glob(os.path.join(CORPUS, "bibtex", "**", "*.bib"), recursive=True))
    files += sorted(glob.glob(os.path.join(CORPUS, "jats", "**", "*.xml"), recursive=True))
    records = []
    for i in range(0, len(files), 40):
        batch = files[i:i + 40]
        out = subprocess.run([bibkit, "convert", *batch, "--to", "csl-json", "-q"], capture_output=True)
        try:
            records += json.loads(out.stdout.decode("utf-8") or "[]")
        except json.JSONDecodeError:
            print("skipped a batch: bibkit gave no JSON", file=sys.stderr)
    return records


def usable(r):
    title = plain(r.get("title", ""))
    words = re.findall(r"\w+", title)
    if len(words) < 4 or len(title) < 20 or any(c in title for c in "\\{}$^_"):
        return None
    authors = [a for a in r.get("author", []) if a.get("family") and a.get("given")]
    if not authors or len(authors) != len(r.get("author", [])):
        return None
    try:
        year = int(r["issued"]["date-parts"][0][0])
    except (KeyError, IndexError, TypeError, ValueError):
        return None
    if not 1800 <= year <= 2030:
        return None
    if re.search(r"\b(part|vol|volume|edition|ed)\b\.?\s*([0-9]+|[ivx]+)\b", title, re.I):
        return None  # the hard non-duplicates add parts and editions themselves
    kind = {"article-journal": "article", "paper-conference": "inproceedings", "chapter": "incollection",
            "book": "book", "report": "techreport", "thesis": "phdthesis"}.get(r.get("type"))
    if kind is None:
        return None
    container = plain(r.get("container-title", ""))
    if kind in ("article", "inproceedings", "incollection") and not container:
        return None
    return {
        "type": kind, "title": title,
        "authors": [(plain(a["family"]), plain(a["given"])) for a in authors[:8]],
        "year": year, "container": container, "volume": plain(str(r.get("volume", ""))),
        "issue": plain(str(r.get("issue", ""))), "pages": plain(str(r.get("page", ""))),
        "publisher": plain(r.get("publisher", "")), "doi": plain(r.get("DOI", "")),
        "edition": "",
    }


# ---- perturbations ---------------------------------------------------------------------------

ACCENTS = {"\u0301": "'", "\u0300": "`", "\u0308": '"', "\u0302": "^", "\u0303": "~", "\u0327": "c", "\u030c": "v",
           "\u0304": "=", "\u0306": "u", "\u030a": "r"}


def latex_accents(s):
    out = []
    for ch in unicodedata.normalize("NFD", s):
        if unicodedata.combining(ch) and out and ch in ACCENTS:
            base = out.pop()
            cmd = ACCENTS[ch]
            out.append("{\\%s%s}" % (cmd, base) if not cmd.isalpha() else "{\\%s{%s}}" % (cmd, base))
        else:
            out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


def initials(given):
    parts = re.split(r"[\s.]+", given)
    return " ".join(p[0] + "." for p in parts if p)


STOP = {"of", "the", "and", "for", "in", "on", "&", "a", "an"}


def abbreviate(journal):
    words = [w for w in journal.split() if w.lower() not in STOP]
    return " ".join(w[:4] + "." if len(w) > 5 else w for w in words)


def perturb(b, rng):
    d = dict(b)
    d["authors"] = list(b["authors"])
    d["latex"] = False
    d["etal"] = False
    kinds = list(range(10))
    rng.shuffle(kinds)
    for k in kinds[:rng.randint(2, 4)]:
        if k == 0:
            d["title"] = rng.choice([d["title"].upper(), d["title"].lower(), d["title"].title()])
        elif k == 1:
            t = d["title"].replace(": ", rng.choice([" - ", ". ", " "])).replace(",", "").replace("'", "")
            d["title"] = t + rng.choice([".", "", "?"]) if not t.endswith("?") else t
        elif k == 2:
            d["latex"] = True
        elif k == 3:
            d["authors"] = [(f, initials(g)) for f, g in d["authors"]]
        elif k == 4:
            if d["doi"]:
                d["doi"] = rng.choice(["https://doi.org/" + d["doi"].upper(), "http://dx.doi.org/" + d["doi"]])
        elif k == 5:
            if d["container"] and d["type"] == "article":
                d["container"] = abbreviate(d["container"])
        elif k == 6:
            if d["pages"]:
                d["pages"] = re.sub(r"\s*[-\u2013]+\s*", rng.choice(["-", "--", "\u2013", " - "]), d["pages"])
        elif k == 7:
            for f in ("volume", "issue", "pages", "publisher"):
                if rng.random() < 0.6:
                    d[f] = ""
            if rng.random() < 0.3:
                d["container"] = ""
        elif k == 8:
            if len(d["authors"]) > 1:
                d["authors"] = d["authors"][:rng.randint(1, len(d["authors"]) - 1)]
                d["etal"] = True
        else:
            if rng.random() < 0.5:
                d["year"] = b["year"] + 1
    return d


# ---- writers -------------------------------------------------------------------------------

def bib_escape(s, latex):
    s = re.sub(r"([&%#_$])", r"\\\1", s)
    return latex_accents(s) if latex else s


def write_bib(key, r):
    names = [("%s, %s" % (f, g)) for f, g in r["authors"]]
    if r.get("etal"):
        names.append("others")
    fields = [("author", " and ".join(bib_escape(n, r.get("latex")) for n in names)),
              ("title", "{%s}" % bib_escape(r["title"], r.get("latex")) if r["title"].isupper() else bib_escape(r["title"], r.get("latex")))]
    container_field = {"article": "journal", "inproceedings": "booktitle", "incollection": "booktitle"}.get(r["type"])
    if container_field and r["container"]:
        fields.append((container_field, bib_escape(r["container"], r.get("latex"))))
    for name, value in (("year", str(r["year"])), ("volume", r["volume"]), ("number", r["issue"]),
                        ("pages", r["pages"]), ("edition", r["edition"])):
        if value:
            fields.append((name, value))
    if r["publisher"] and r["type"] not in ("article",):
        fields.append(("school" if r["type"] == "phdthesis" else "institution" if r["type"] == "techreport" else "publisher",
                       bib_escape(r["publisher"], r.get("latex"))))
    if r["doi"]:
        fields.append(("doi", r["doi"]))
    body = ",\n".join("  %s = {%s}" % (n, v) for n, v in fields)
    return "@%s{%s,\n%s\n}\n" % (r["type"], key, body)


def write_ris(key, r):
    ty = {"article": "JOUR", "inproceedings": "CONF", "incollection": "CHAP", "book": "BOOK",
          "techreport": "RPRT", "phdthesis": "THES"}[r["type"]]
    lines = ["TY  - " + ty, "ID  - " + key]
    for f, g in r["authors"]:
        lines.append("AU  - %s, %s" % (f, g))
    lines.append("TI  - " + r["title"])
    if r["container"]:
        lines.append(("T2  - " if ty != "JOUR" else "JO  - ") + r["container"])
    lines.append("PY  - %d" % r["year"])
    if r["volume"]:
        lines.append("VL  - " + r["volume"])
    if r["issue"]:
        lines.append("IS  - " + r["issue"])
    if r["pages"]:
        lines.append("SP  - " + r["pages"])
    if r["edition"]:
        lines.append("ET  - " + r["edition"])
    if r["publisher"]:
        lines.append("PB  - " + r["publisher"])
    if r["doi"]:
        lines.append("DO  - " + r["doi"])
    lines.append("ER  - ")
    return "\r\n".join(lines) + "\r\n\r\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bibkit", default=os.path.join(ROOT, ".build", "debug", "bibkit"))
    args = ap.parse_args()
    rng = random.Random(SEED)
    seen_titles, seen_dois, base = set(), set(), []
    for r in read_corpus(args.bibkit):
        u = usable(r)
        if u is None:
            continue
        t = fold(u["title"])
        doi = u["doi"].lower()
        if t in seen_titles or (doi and doi in seen_dois):
            continue
        seen_titles.add(t)
        if doi:
            seen_dois.add(doi)
        base.append(u)
    rng.shuffle(base)
    base = base[:LIMIT]
    bib, ris = [], []
    true_pairs, hard_pairs = [], []
    for i, b in enumerate(base):
        o = "o%04d" % i
        bib.append((o, b))
        d = perturb(b, rng)
        # A DOI on one side only, for most pairs: the match must come from the rest.
        roll = rng.random()
        if roll < 0.5:
            d["doi"] = ""
        elif roll < 0.65:
            b["doi"] = ""
        dk = "d%04d" % i
        (ris if rng.random() < 0.5 else bib).append((dk, d))
        true_pairs.append([o, dk])
    for i, b in enumerate(base):
        if i % 3:
            continue
        h = dict(b)
        h["doi"] = ""
        o = "o%04d" % i
        kind = (i // 3) % 4
        if kind == 0:
            h["year"] = b["year"] + rng.randint(2, 7)
        elif kind == 1:
            h["edition"] = rng.choice(["2", "2nd", "Second", "3rd edition", "4"])
            h["year"] = b["year"] + rng.randint(1, 6)
            if rng.random() < 0.5:
                b["edition"] = rng.choice(["1", "1st", "First"])
        elif kind == 2:
            part = rng.choice([("Part I", "Part II"), ("Part 1", "Part 2"), ("Part One", "Part Two")])
            p1 = dict(h)
            p1["title"] = b["title"] + ": " + part[0]
            h["title"] = b["title"] + ": " + part[1]
            bib.append(("q%04d" % i, p1))
            hard_pairs += [[o, "q%04d" % i], ["q%04d" % i, "h%04d" % i]]
        else:
            h["title"] = base[(i + len(base) // 2) % len(base)]["title"]
            h["container"] = b["container"]
        bib.append(("h%04d" % i, h))
        hard_pairs.append([o, "h%04d" % i])
    with open(os.path.join(HERE, "set.bib"), "w", encoding="utf-8") as f:
        f.write("% Generated by make_set.py: the second labelled duplicate set (see labels.json).\n\n")
        f.write("\n".join(write_bib(k, r) for k, r in bib))
    with open(os.path.join(HERE, "set.ris"), "w", encoding="utf-8", newline="") as f:
        f.write("".join(write_ris(k, r) for k, r in ris))
    with open(os.path.join(HERE, "labels.json"), "w", encoding="utf-8") as f:
        json.dump({"seed": SEED, "base": len(base), "true": true_pairs, "hard": hard_pairs}, f, indent=1)
        f.write("\n")
    print("base records %d, true pairs %d, hard non-pairs %d, bib entries %d, ris records %d"
          % (len(base), len(true_pairs), len(hard_pairs), len(bib), len(ris)))


if __name__ == "__main__":
    main()
