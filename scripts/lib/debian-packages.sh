# Sourced by the fetch scripts. extract_packages DIR PACKAGE...: downloads each Debian package (no install) and
# unpacks it into DIR/PACKAGE, skipping packages already unpacked; refreshes the apt lists once if a download fails.
extract_packages() {
  local work="$1" package
  shift
  mkdir -p "$work"
  for package in "$@"; do
    [ -d "$work/$package" ] && continue
    echo "fetching $package" >&2
    (cd "$work" && apt-get download -q "$package" >/dev/null 2>&1) || {
      apt-get update -qq >/dev/null 2>&1 || true
      (cd "$work" && apt-get download -q "$package" >/dev/null) || { echo "cannot download $package" >&2; return 4; }
    }
    rm -rf "$work/$package.tmp"
    dpkg-deb -x "$work/${package}"_*.deb "$work/$package.tmp"
    rm -f "$work/${package}"_*.deb
    mv "$work/$package.tmp" "$work/$package"
  done
}
