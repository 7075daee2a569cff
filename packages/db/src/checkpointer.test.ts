import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createDatabase } from './database.js';

describe('SQLite checkpoints in a worker thread', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const tempDb = () => {
    const dir = mkdtempSync(join(tmpdir(), 'duban-checkpoints-'));
    dirs.push(dir);
    return join(dir, 'app.db');
  };
  const walBytes = (path: string) => statSync(`${path}-wal`).size;
  const writePages = async (db: ReturnType<typeof createDatabase>['db'], n: number) => {
    const text = 'x'.repeat(4000); // about one page a row
    for (let i = 0; i < n; i++) await sql`insert into notes (text) values (${text})`.execute(db);
  };

  it('the serving connection never checkpoints; the worker does, so the WAL is reused instead of growing; every row is kept', async () => {
    const path = tempDb();
    const handle = createDatabase({ url: path, sqliteCheckpoints: 'background' });
    const { db } = handle;
    expect((await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(db)).rows[0]?.wal_autocheckpoint).toBe(0);
    await sql`create table notes (id integer primary key, text text not null)`.execute(db);
    await writePages(db, 600);
    const first = walBytes(path);
    expect(first).toBeGreaterThan(600 * 4096);
    // once the worker has copied the WAL into the database, the next writer starts it over
    await new Promise((r) => setTimeout(r, 1000));
    await writePages(db, 600);
    expect(walBytes(path)).toBeLessThan(first * 1.2);
    await handle.close();
    const reopened = createDatabase({ url: path });
    expect(Number((await sql<{ n: number }>`select count(*) as n from notes`.execute(reopened.db)).rows[0]?.n)).toBe(1200);
    await reopened.close();
  });

  it('without the worker and with SQLite’s checkpoints off, the same writes grow the WAL (what the test above tells apart)', async () => {
    const path = tempDb();
    const handle = createDatabase({ url: path });
    await sql`pragma wal_autocheckpoint = 0`.execute(handle.db);
    await sql`create table notes (id integer primary key, text text not null)`.execute(handle.db);
    await writePages(handle.db, 600);
    const first = walBytes(path);
    await new Promise((r) => setTimeout(r, 1000));
    await writePages(handle.db, 600);
    expect(walBytes(path)).toBeGreaterThan(first * 1.8);
    await handle.close();
  });

  it('closes cleanly with nothing to do, and by default SQLite checkpoints as it always has', async () => {
    const background = createDatabase({ url: tempDb(), sqliteCheckpoints: 'background' });
    await background.close();
    const inline = createDatabase({ url: tempDb() });
    expect((await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(inline.db)).rows[0]?.wal_autocheckpoint).toBe(1000);
    await inline.close();
  });
});
