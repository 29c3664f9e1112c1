#!/usr/bin/env bash
# Installs what Centrifuge needs on a Debian machine: ffmpeg (and anything passed as extra package names), and, when it
# can, tcmalloc (libtcmalloc-minimal4: faster libtorch, see scripts/lib/runtime-env.sh; optional, never an error).
# Sourced or run by ./centrifuge and ./test.sh. As root it installs with apt-get; otherwise it says what to install.
set -euo pipefail

need_packages=()
command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1 || need_packages+=(ffmpeg)
for extra in "$@"; do
  dpkg -s "$extra" >/dev/null 2>&1 || need_packages+=("$extra")
done

optional=libtcmalloc-minimal4
if ! dpkg -s "$optional" >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  if ((${#need_packages[@]})); then
    need_packages+=("$optional")
  else
    echo "centrifuge: installing $optional (apt-get)…" >&2
    { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$optional" >&2 ||
      { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$optional" >&2; }; } ||
      echo "centrifuge: could not install $optional; running with glibc's malloc" >&2
  fi
fi

if ((${#need_packages[@]})); then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "centrifuge: installing ${need_packages[*]} (apt-get)…" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_packages[@]}" >&2
  else
    echo "centrifuge: missing ${need_packages[*]}: install with: sudo apt-get install ${need_packages[*]}" >&2
    exit 3
  fi
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "centrifuge: the .NET 10 SDK is missing: install it (https://dot.net) and run again" >&2
  exit 3
fi
