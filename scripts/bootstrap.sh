# Sourced by scripts/demo and scripts/test: makes `uv` available and the environment synced.
# Arguments are passed to `uv sync` (the demo: `--no-dev --inexact`, only what it runs).
# Needs only python3 (3.11+). uv comes from PyPI; if pip may not install into this Python
# (PEP 668), it goes into a private virtualenv under .tools/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v uv >/dev/null 2>&1; then
    if [ -x .tools/bin/uv ]; then
        :
    elif python3 -m pip install --quiet --disable-pip-version-check uv >/dev/null 2>&1 \
        && command -v uv >/dev/null 2>&1; then
        :
    else
        echo "setup: installing uv into .tools/" >&2
        python3 -m venv .tools
        .tools/bin/python -m pip install --quiet --disable-pip-version-check uv
    fi
    [ -x .tools/bin/uv ] && export PATH="$PWD/.tools/bin:$PATH"
fi

echo "setup: syncing Python dependencies (uv.lock)" >&2
uv sync --frozen --quiet "$@"
