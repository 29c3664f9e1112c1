#!/usr/bin/env bash
# Opens a demo page (demo-output/index.html) in headless Chromium, prints how many of its videos decoded a frame
# ("videos ok: N/M") and writes a screenshot. Exit 0 only when every video loaded. Needs Debian's chromium
# (scripts/ensure-tools.sh chromium). The same check runs in the test suite (tests/.../DemoPageBrowserTests.cs).
# Usage: scripts/check-page.sh [PAGE (default demo-output/index.html)] [SCREENSHOT (default PAGE's folder/screenshot.png)]
set -euo pipefail
page="$(realpath "${1:-demo-output/index.html}")"
shot="${2:-$(dirname "$page")/screenshot.png}"
browser=/usr/bin/chromium
[ -x "$browser" ] || { echo "check-page: $browser missing: run scripts/ensure-tools.sh chromium" >&2; exit 3; }
[ -f "$page" ] || { echo "check-page: $page: no such page (run ./centrifuge demo)" >&2; exit 10; }

profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
run() {
  "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --user-data-dir="$profile" "$@" 2>/dev/null
}
dom="$(run --virtual-time-budget=10000 --dump-dom "file://$page?check")"
ok="$(grep -o 'data-videos-ok="[0-9]*/[0-9]*"' <<<"$dom" | head -1 | cut -d'"' -f2)"
run --virtual-time-budget=5000 --hide-scrollbars --window-size=1280,2000 --screenshot="$shot" "file://$page" >/dev/null
echo "videos ok: ${ok:-none, the check script of the page did not run}; screenshot: $shot"
[ -n "$ok" ] && [ "${ok%/*}" = "${ok#*/}" ]
