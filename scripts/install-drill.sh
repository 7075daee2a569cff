#!/usr/bin/env bash
# The "start that cannot break" drill (issue 19), by hand — it compiles better-sqlite3, minutes:
# a throwaway clone installed at REV_BEFORE, then checked out at REV_AFTER (its lockfile differs),
# then `pnpm start` on an EMPTY pnpm store and WITHOUT npm_config_nodedir in the environment. pnpm's
# verifyDepsBeforeRun reinstalls; .pnpmfile.cjs must hand the Node headers to better-sqlite3's
# build, and the server must come up.   usage: scripts/install-drill.sh REV_BEFORE [REV_AFTER]
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
before="${1:?usage: scripts/install-drill.sh REV_BEFORE [REV_AFTER]}"
after="${2:-HEAD}"
work="$(mktemp -d)"
git clone -q "$repo" "$work/clone"
cd "$work/clone"
after_sha="$(git -C "$repo" rev-parse "$after")"
git checkout -q "$(git -C "$repo" rev-parse "$before")"
env -u npm_config_nodedir pnpm install --reporter=append-only >"$work/install-before.log" 2>&1
git checkout -q -f "$after_sha"
data="$work/data"
setsid env -u npm_config_nodedir pnpm_config_store_dir="$work/empty-store" PORT=0 DATABASE_URL="$data/app.db" \
  DUBAN_FILES_DIR="$data/files" DUBAN_CHECKPOINT_DIR="$data/cp" DUBAN_CHECKPOINT_KEY="$data/keys/cp.pem" \
  DUBAN_FIELD_KEY_FILE="$data/keys/field.key" DUBAN_BACKUP_DIR="$data/backups" pnpm start >"$work/start.log" 2>&1 &
pid=$!
status=1
for _ in $(seq 1 720); do
  if grep -q "督查督办系统已启动" "$work/start.log"; then status=0; break; fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 5
done
kill -TERM -- "-$pid" 2>/dev/null || true
if [ "$status" = 0 ]; then echo "install drill OK: pnpm start reinstalled, built better-sqlite3 and served ($work/start.log)"; else echo "install drill FAILED: see $work/start.log"; fi
exit "$status"
