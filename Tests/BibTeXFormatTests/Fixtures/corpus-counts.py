#!/usr/bin/env python3
"""Counts the entries python's bibtexparser v2 reads from every .bib file of the shared corpus.

Writes corpus-counts.tsv beside this script: path (relative to ../shared/corpus/bibtex),
entries (without the `\@ifundefined{…}` "entries" bibtexparser finds inside @preamble strings),
failed blocks, and how many error messages BibTeX 0.99 itself gives for the file
(`\citation{*}` with the plain style; -1 when BibTeX gave up or is not installed). The corpus
tests compare bibkit's entry counts with these and expect no error diagnostics on files BibTeX
accepts, so the tests need neither python nor bibtex.

    python3 -m venv /tmp/bibenv && /tmp/bibenv/bin/pip install 'bibtexparser==2.0.0b7'
    /tmp/bibenv/bin/python Tests/BibTeXFormatTests/Fixtures/corpus-counts.py ../shared/corpus/bibtex
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

import bibtexparser


def count(path):
    raw = open(path, "rb").read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    library = bibtexparser.parse_string(text)
    entries = 0
    for entry in library.entries:
        # bibtexparser also takes LaTeX's `\@ifundefined{url}{…}` inside an @preamble string
        # for an entry; BibTeX does not, so such "entries" are not counted.
        at = text.find(entry.raw) if entry.raw else -1
        if at > 0 and text[at - 1] == "\\":
            continue
        entries += 1
    return entries, len(library.failed_blocks)


def bibtex_errors(path):
    """BibTeX's error-message count for the file, or -1."""
    if shutil.which("bibtex") is None:
        return -1
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(path, os.path.join(tmp, "x.bib"))
        with open(os.path.join(tmp, "x.aux"), "w") as aux:
            aux.write("\\citation{*}\n\\bibdata{x}\n\\bibstyle{plain}\n")
        try:
            run = subprocess.run(["bibtex", "-terse", "x"], cwd=tmp, capture_output=True, timeout=120)
        except subprocess.TimeoutExpired:
            return -1
        log = open(os.path.join(tmp, "x.blg"), errors="replace").read() if os.path.exists(os.path.join(tmp, "x.blg")) else ""
        if "Sorry---you've exceeded" in log or "capacity exceeded" in log:
            return -1
        match = re.search(r"\(There (?:were|was) (\d+) error messages?\)", log)
        if match:
            return int(match.group(1))
        return 0 if run.returncode in (0, 1) else -1


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "../shared/corpus/bibtex"
    rows = []
    for folder, _, files in os.walk(root):
        for name in files:
            if not name.endswith(".bib"):
                continue
            path = os.path.join(folder, name)
            try:
                entries, failed = count(path)
            except Exception as error:  # bibtexparser crashed: no count to beat
                entries, failed = -1, -1
                print("bibtexparser failed on", path, error, file=sys.stderr)
            rows.append((os.path.relpath(path, root), entries, failed, bibtex_errors(path)))
    rows.sort()
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus-counts.tsv")
    with open(out, "w") as f:
        f.write("# bibtexparser %s entry counts; regenerate with corpus-counts.py\n" % bibtexparser.__version__)
        f.write("path\tentries\tfailed_blocks\tbibtex_errors\n")
        for path, entries, failed, errors in rows:
            f.write("%s\t%d\t%d\t%d\n" % (path, entries, failed, errors))
    print("wrote", out, len(rows), "files")


if __name__ == "__main__":
    main()
