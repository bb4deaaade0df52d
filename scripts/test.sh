#!/usr/bin/env bash
# Runs bibkit's whole test suite: installs what the build needs when it is missing
# (libxml2-dev, pkg-config), builds the `bibkit` binary the end-to-end tests run, then
# runs every test. Interop tests that need the oracles' tools (LaTeX, biber, pandoc, …)
# run when those are installed (../shared/oracles/install.sh) and skip with a message
# otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."

"$(dirname "$0")/ensure-deps.sh"

swift build --product bibkit
swift test "$@"
