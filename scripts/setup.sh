#!/usr/bin/env bash
# Installs everything OpenVAP needs on Debian 12 (bookworm): the Debian packages listed in
# scripts/debian-packages.txt and, once web/ has a package-lock.json, its npm packages.
#
# Idempotent and quick: when every package is already installed it only runs dpkg-query and
# returns within a second. Works as root on a fresh machine (runs `apt-get update` first) and
# as a normal user with sudo.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
list="$repo/scripts/debian-packages.txt"

mapfile -t wanted < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$list" | grep -v '^$')

missing=()
for pkg in "${wanted[@]}"; do
  status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done

if ((${#missing[@]} > 0)); then
  echo "setup: installing ${#missing[@]} Debian package(s): ${missing[*]}"
  sudo=()
  if [[ "$(id -u)" != 0 ]]; then
    command -v sudo >/dev/null || { echo "setup: not root and no sudo; install: ${missing[*]}" >&2; exit 1; }
    sudo=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -q
  "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# npm packages of the browser UI, pinned by its lock file (installed only when it changed).
if [[ -f "$repo/web/package-lock.json" ]]; then
  stamp="$repo/web/node_modules/.openvap-lock.sha256"
  want="$(sha256sum "$repo/web/package-lock.json" | cut -d' ' -f1)"
  if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
    echo "setup: installing npm packages of web/"
    (cd "$repo/web" && npm ci --no-audit --no-fund)
    echo "$want" >"$stamp"
  fi
fi
