#!/usr/bin/env bash
# Brings a fresh machine (Node 20 + npm only) to a working checkout:
# pnpm, the workspace's packages (better-sqlite3 compiled from source), and, when run as root on
# Debian, the system packages the browser tests need. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=12.21.0
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm -v)" != "$PNPM_VERSION" ]; then
  echo "setup: installing pnpm@$PNPM_VERSION"
  npm install -g "pnpm@$PNPM_VERSION" --loglevel=error
fi

# Debian's Chromium and CJK fonts for the browser tests (root only; skipped elsewhere).
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: apt-get install ${missing[*]}"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
fi

# better-sqlite3 has no prebuilt binary here: it compiles against the system Node headers. The
# repository's .pnpmfile.cjs passes them to every pnpm install (also the one `pnpm start` runs when
# the lockfile changed); setting it here too changes nothing and keeps older checkouts working.
export npm_config_nodedir="${npm_config_nodedir:-/usr}"
pnpm install --frozen-lockfile --reporter=append-only
