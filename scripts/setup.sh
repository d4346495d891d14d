#!/usr/bin/env bash
# Set up everything the project needs, idempotently:
#   1. Graphviz's `dot` program (drawing graphs needs it), from Debian's packages;
#   2. a virtual environment in .venv with this package and the extras named in $1.
# The PyPI package `autograd` (HIPS) shares our import name: it is removed from .venv.
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-test,examples}"
python="${PYTHON:-python3}"

if ! command -v dot >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1; then
        sudo=""
        if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
        echo "setup: installing Graphviz (Debian package graphviz)"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq graphviz >/dev/null
    else
        echo "setup: Graphviz's 'dot' program is missing. Install it and run again:" >&2
        echo "  macOS: brew install graphviz   Fedora: sudo dnf install graphviz" >&2
        echo "  Windows: winget install graphviz   others: https://graphviz.org/download/" >&2
        exit 1
    fi
fi

if [ ! -x .venv/bin/python ]; then
    "$python" -c 'import sys; assert sys.version_info >= (3, 10), "Python 3.10+ is needed"'
    "$python" -m venv .venv
fi
stamp=".venv/.installed-${extras//,/-}-$(cat pyproject.toml scripts/setup.sh | sha1sum | cut -c1-12)"
if [ ! -f "$stamp" ]; then
    echo "setup: installing the package and extras [$extras] into .venv"
    .venv/bin/python -m pip install -q --disable-pip-version-check -e ".[$extras]"
    if .venv/bin/python -m pip show -q autograd >/dev/null 2>&1; then
        .venv/bin/python -m pip uninstall -y -q autograd  # HIPS autograd would shadow ours
    fi
    rm -f .venv/.installed-*
    touch "$stamp"
fi
