#!/usr/bin/env bash
# Install regwatch into ./.venv and start it:   bash install.sh
# Options: --no-start (install only); any other arguments are passed to regwatch (e.g. demo).
set -euo pipefail
cd "$(dirname "$0")"
start=1
if [ "${1:-}" = "--no-start" ]; then start=0; shift; fi

# Qt's system libraries, a Chinese font and venv support (Debian/Ubuntu; only what is missing).
PKGS=(python3-venv libgl1 libegl1 libglib2.0-0 libxkbcommon0 libfontconfig1 libfreetype6 libdbus-1-3
      libx11-6 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0
      libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0 fonts-wqy-microhei)
if command -v dpkg-query >/dev/null && command -v apt-get >/dev/null; then
  missing=()
  for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
  done
  if ((${#missing[@]})); then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    echo "Installing system packages: ${missing[*]}"
    $SUDO apt-get update -q && $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" \
      || echo "Could not install ${missing[*]}; regwatch may still run if they are present."
  fi
fi

PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e .
echo "regwatch is installed: $(pwd)/.venv/bin/regwatch"
if [ "$start" = 1 ]; then
  exec .venv/bin/regwatch "$@"
fi
