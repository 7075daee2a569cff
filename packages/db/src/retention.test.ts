// Retention (等保: logs kept ≥ 6 months): no code path deletes or rewrites audit records. The database
// refuses it anyway (audit.test.ts: triggers, REVOKE); this test keeps the source honest too, by
// scanning every non-test source file of the workspace for a write to audit_log other than INSERT.
// The one exception is archiving (issue 19): apps/api/src/services/audit-archive.ts deletes exactly the
// records a verified, registered, signed archive file holds — the database allows nothing else
// (dialect.ts createAuditGuards) and apps/api/src/services/audit-archive.test.ts proves it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findRepoRoot } from './database.js';

const ROOT = findRepoRoot();
const FORBIDDEN = [
  /deleteFrom\(\s*['"]audit_log['"]/,
  /updateTable\(\s*['"]audit_log['"]/,
  /\bdelete\s+from\s+audit_log\b/i,
  /\bupdate\s+audit_log\b/i,
  /\btruncate\s+(table\s+)?audit_log\b/i,
  /dropTable\(\s*['"]audit_log['"]/,
];
/** Files allowed to name those statements: the guards themselves, the test-only helpers that drop them, the archiver. */
const ALLOWED = new Set(['packages/db/src/dialect.ts', 'packages/db/src/testing.ts', 'packages/db/src/retention.test.ts', 'apps/api/src/services/audit-archive.ts']);

function* sources(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sources(path);
    else if (/\.(ts|tsx|js|mjs)$/.test(name) && !/\.test\.tsx?$/.test(name)) yield path;
  }
}

describe('audit retention', () => {
  it('no source file outside the guards deletes, updates or truncates audit_log', () => {
    const offenders: string[] = [];
    let scanned = 0;
    for (const top of ['apps', 'packages']) {
      for (const file of sources(join(ROOT, top))) {
        const rel = relative(ROOT, file);
        if (ALLOWED.has(rel)) continue;
        scanned += 1;
        const text = readFileSync(file, 'utf8');
        for (const re of FORBIDDEN) if (re.test(text)) offenders.push(`${rel}: ${re.source}`);
      }
    }
    expect(scanned).toBeGreaterThan(50);
    expect(offenders).toEqual([]);
  });
});
