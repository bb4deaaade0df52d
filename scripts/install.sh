#!/usr/bin/env bash
# Builds bibkit in release mode and installs it under PREFIX (default /usr/local):
#
#   PREFIX/bin/bibkit                                   the command
#   PREFIX/share/man/man1/bibkit.1                      the man page
#   PREFIX/share/bash-completion/completions/bibkit     bash completion
#   PREFIX/share/zsh/site-functions/_bibkit             zsh completion
#   PREFIX/share/fish/vendor_completions.d/bibkit.fish  fish completion
#
#   scripts/install.sh                         # into /usr/local (needs write access there)
#   PREFIX=$HOME/.local scripts/install.sh     # into your home, no root needed
#   DESTDIR=/tmp/pkg PREFIX=/usr scripts/install.sh   # staged, for packagers
#
# BIBKIT_BIN=path skips the build and installs that binary instead (used by the tests).
# The man page and the completions are generated from the binary's own command
# definitions (scripts/gen-docs.sh), so they always match the installed version.
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=${PREFIX:-/usr/local}
dest=${DESTDIR:-}

if [ -n "${BIBKIT_BIN:-}" ]; then
  bin=$BIBKIT_BIN
else
  scripts/ensure-deps.sh
  bin=$(scripts/build-release.sh)
fi
[ -x "$bin" ] || { echo "install.sh: no bibkit binary at $bin" >&2; exit 2; }

docs=$(mktemp -d)
trap 'rm -rf "$docs"' EXIT
BIBKIT_BIN=$bin scripts/gen-docs.sh "$docs" >/dev/null

install -d "$dest$prefix/bin" "$dest$prefix/share/man/man1" \
  "$dest$prefix/share/bash-completion/completions" "$dest$prefix/share/zsh/site-functions" \
  "$dest$prefix/share/fish/vendor_completions.d"
install -m 0755 "$bin" "$dest$prefix/bin/bibkit"
install -m 0644 "$docs/bibkit.1" "$dest$prefix/share/man/man1/bibkit.1"
install -m 0644 "$docs/completions/bibkit.bash" "$dest$prefix/share/bash-completion/completions/bibkit"
install -m 0644 "$docs/completions/_bibkit" "$dest$prefix/share/zsh/site-functions/_bibkit"
install -m 0644 "$docs/completions/bibkit.fish" "$dest$prefix/share/fish/vendor_completions.d/bibkit.fish"

echo "installed bibkit $("$dest$prefix/bin/bibkit" --version) into $dest$prefix"
if [ -z "$dest" ]; then
  case ":$PATH:" in
    *":$prefix/bin:"*) ;;
    *) echo "note: $prefix/bin is not on your PATH" ;;
  esac
fi
