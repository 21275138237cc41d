#!/usr/bin/env bash
# Installs the optional system packages the integration tests use, where this is possible
# (root with apt-get). Never fails the build: a missing package makes its tests skip.
set -u
# fonts-noto-core and fonts-noto-cjk: fonts for the scripts of GeoNames' alternate names
# (Arabic, Tifinagh, N'Ko, Devanagari, ...; Chinese and Japanese for 19 places of Mali) in
# maps and briefings; without them those names are boxes (kg/viz/fonts.py).
want=(virtuoso-opensource chromium default-jre-headless fonts-noto-core fonts-noto-cjk)
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: not root or no apt-get; tests needing ${want[*]} will skip" >&2
  exit 0
fi
missing=()
for p in "${want[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "system-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 || true
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 \
  || echo "system-deps: could not install ${missing[*]}; their tests will skip" >&2
# The Debian package may try to start a Virtuoso service on all interfaces: never here.
if command -v service >/dev/null 2>&1; then service virtuoso-opensource-7 stop >/dev/null 2>&1 || true; fi
exit 0
