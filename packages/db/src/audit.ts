import { createHash, hash } from 'node:crypto';
import SQLite from 'better-sqlite3';
import { CompiledQuery, sql, type Transaction } from 'kysely';
import { dialectOf } from './dialect.js';
import type { DialectName } from './dialect.js';
import { inTransaction } from './executor.js';
import type { DbOrTrx } from './executor.js';
import { newId, nowIso } from './ids.js';
import type { AuditLogRow, AuditOutcome, Database, HashAlg } from './tables/index.js';

export const GENESIS_HASH = '0'.repeat(64);

/** Every audit_log column covered by the hash (all of them except `hash`), in canonical order. */
export const AUDIT_HASHED_FIELDS = [
  'action',
  'actor_role',
  'actor_unit_id',
  'actor_user_id',
  'actor_username',
  'at',
  'client_ip',
  'comment',
  'detail',
  'file_hashes',
  'from_state',
  'hash_alg',
  'id',
  'object_id',
  'object_type',
  'outcome',
  'prev_hash',
  'reason_code',
  'seq',
  'task_id',
  'to_state',
] as const satisfies readonly Exclude<keyof AuditLogRow, 'hash'>[];

export type AuditHashedRow = Pick<AuditLogRow, (typeof AUDIT_HASHED_FIELDS)[number]>;

/** JSON with object keys sorted at every level, no whitespace; undefined → null. */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) throw new Error('non-finite number in audit payload');
  if (typeof value === 'bigint') return value.toString();
  return JSON.stringify(value);
}

/**
 * The canonical text that is hashed for one record: canonical JSON of an object holding exactly the
 * AUDIT_HASHED_FIELDS (seq as a number, JSON columns as their stored text, missing values as null).
 */
export function canonicalAuditPayload(row: AuditHashedRow): string {
  // AUDIT_HASHED_FIELDS is already in sorted key order and every value is a string, null or the
  // seq number, so the canonical JSON is written directly — the same bytes as
  // canonicalJson(payload object), without building and sorting an object per record
  // (verification spent ~40 % of its time there). audit.test.ts checks both agree.
  let out = '';
  for (let i = 0; i < AUDIT_HASHED_FIELDS.length; i++) {
    const f = AUDIT_HASHED_FIELDS[i] as (typeof AUDIT_HASHED_FIELDS)[number];
    const v = row[f];
    out += PAYLOAD_KEY_PREFIXES[i];
    if (f === 'seq') out += canonicalJson(Number(v));
    else if (v === null || v === undefined) out += 'null';
    else out += typeof v === 'string' ? JSON.stringify(v) : canonicalJson(v);
  }
  return `${out}}`;
}

const PAYLOAD_KEY_PREFIXES = AUDIT_HASHED_FIELDS.map((f, i) => `${i === 0 ? '{' : ','}${JSON.stringify(f)}:`);

/** The definition canonicalAuditPayload must equal: canonical JSON of the hashed fields. */
export function canonicalAuditPayloadReference(row: AuditHashedRow): string {
  const payload: Record<string, unknown> = {};
  for (const f of AUDIT_HASHED_FIELDS) {
    const v = row[f];
    payload[f] = f === 'seq' ? Number(v) : (v ?? null);
  }
  return canonicalJson(payload);
}

/** hash = hex(H(prevHash || canonicalAuditPayload(row))), H = SHA-256 or SM3. Pure. */
export function computeAuditHash(prevHash: string, row: AuditHashedRow, alg: HashAlg): string {
  return createHash(alg).update(prevHash, 'utf8').update(canonicalAuditPayload(row), 'utf8').digest('hex');
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * The text the database will hold for `s`: UTF-8 cannot encode a lone surrogate (half of an
 * emoji, e.g. a login name cut at 64 UTF-16 units), and both drivers store U+FFFD in its place.
 * The record is hashed as stored, so it verifies (hashing the original made it a hash mismatch
 * for ever — anyone could make `audit verify` report a break by signing in with such a name).
 * (detail and file_hashes are canonical JSON, where JSON.stringify escapes a lone surrogate.)
 */
function storable(s: string): string {
  return s.replace(LONE_SURROGATE, '\ufffd');
}

function storableOrNull(s: string | null | undefined): string | null {
  return s === null || s === undefined ? null : storable(s);
}

/** What the caller supplies; seq, prev_hash, hash and hash_alg are filled in by appendAudit. */
export interface AuditRecordInput {
  id?: string;
  at?: string;
  actor_user_id?: string | null;
  actor_username?: string | null;
  actor_role?: string | null;
  actor_unit_id?: string | null;
  /** event type, e.g. 'task.SUBMIT', 'auth.login' */
  action: string;
  object_type?: string | null;
  object_id?: string | null;
  task_id?: string | null;
  outcome?: AuditOutcome;
  reason_code?: string | null;
  from_state?: string | null;
  to_state?: string | null;
  comment?: string | null;
  /** any JSON-serialisable value; stored as canonical JSON text */
  detail?: unknown;
  file_hashes?: readonly string[];
  client_ip?: string | null;
}

export interface AppendAuditOptions {
  alg?: HashAlg;
}

/** The record as stored, without the chain fields (seq, prev_hash, hash), which are given under the head lock. */
function unchainedRow(record: AuditRecordInput, alg: HashAlg): Omit<AuditLogRow, 'seq' | 'prev_hash' | 'hash'> {
  return {
    id: storable(record.id ?? newId()),
    at: storable(record.at ?? nowIso()),
    actor_user_id: storableOrNull(record.actor_user_id),
    actor_username: storableOrNull(record.actor_username),
    actor_role: storableOrNull(record.actor_role),
    actor_unit_id: storableOrNull(record.actor_unit_id),
    action: storable(record.action),
    object_type: storableOrNull(record.object_type),
    object_id: storableOrNull(record.object_id),
    task_id: storableOrNull(record.task_id),
    outcome: record.outcome ?? 'ok',
    reason_code: storableOrNull(record.reason_code),
    from_state: storableOrNull(record.from_state),
    to_state: storableOrNull(record.to_state),
    comment: storableOrNull(record.comment),
    detail: canonicalJson(record.detail ?? {}),
    file_hashes: canonicalJson(record.file_hashes ?? []),
    client_ip: storableOrNull(record.client_ip),
    hash_alg: alg,
  };
}

/** Rows per INSERT when a batch is chained (22 values a row: far below either dialect's parameter limit). */
const CHAIN_INSERT_ROWS = 500;

/**
 * Locks audit_head (PostgreSQL: SELECT … FOR UPDATE; SQLite has a single writer), gives `rows` the
 * next seqs in order, links and hashes each (filling seq, prev_hash and hash in place), inserts them
 * and moves the head. The head stays locked until the caller's transaction ends.
 */
async function chainAndInsert(trx: Transaction<Database>, rows: AuditLogRow[]): Promise<void> {
  if (rows.length === 0) return;
  let headQuery = trx.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1);
  if (dialectOf(trx) === 'postgres') headQuery = headQuery.forUpdate();
  const head = await headQuery.executeTakeFirst();
  if (head === undefined) throw new Error('audit_head row is missing: run the migrations');
  let seq = Number(head.seq);
  let prev = head.hash;
  for (const row of rows) {
    row.seq = ++seq;
    row.prev_hash = prev;
    row.hash = computeAuditHash(prev, row, row.hash_alg);
    prev = row.hash;
  }
  for (let i = 0; i < rows.length; i += CHAIN_INSERT_ROWS) {
    await trx.insertInto('audit_log').values(rows.slice(i, i + CHAIN_INSERT_ROWS).map((r) => ({ ...r }))).execute();
  }
  await trx.updateTable('audit_head').set({ seq, hash: prev }).where('id', '=', 1).execute();
}

/**
 * Audit records of a shared (group-commit) transaction, chained together at its end: the audit
 * head — the one row every writer of every process needs — is then locked only from the batch's
 * last statement to its COMMIT, not across the whole batch, so API processes on one PostgreSQL
 * do their moves side by side and take turns only for the chaining (`GroupCommitter` opens one per
 * batch). A unit that is rolled back to its savepoint drops its records with `rollbackTo(mark())`.
 */
export class PendingAuditAppends {
  readonly #rows: AuditLogRow[] = [];

  push(row: AuditLogRow): void {
    this.#rows.push(row);
  }

  /** Where the records of the unit about to run start. */
  mark(): number {
    return this.#rows.length;
  }

  /** Forgets the records appended since `mark` (their unit was rolled back). */
  rollbackTo(mark: number): void {
    this.#rows.length = mark;
  }

  /** Chains and inserts every pending record; call once, as the transaction's last work before COMMIT. */
  async flush(trx: Transaction<Database>): Promise<void> {
    await chainAndInsert(trx, this.#rows.splice(0));
  }
}

const pendingOf = new WeakMap<Transaction<Database>, PendingAuditAppends>();

/** From now on, appendAudit in `trx` defers its records to `pending` (see PendingAuditAppends). */
export function deferAuditAppends(trx: Transaction<Database>, pending: PendingAuditAppends): void {
  pendingOf.set(trx, pending);
}

/**
 * Appends one record to the hash chain inside the caller's transaction (opens one when given the
 * bare database): seq = head.seq + 1, prev_hash = head.hash, inserted, head moved, under the
 * head's lock. In a group-commit transaction the record is chained when the batch commits: the row
 * returned gets its seq, prev_hash and hash then (they read 0 / '' until the batch's end).
 */
export function appendAudit(db: DbOrTrx, record: AuditRecordInput, options: AppendAuditOptions = {}): Promise<AuditLogRow> {
  const row: AuditLogRow = { seq: 0, prev_hash: '', hash: '', ...unchainedRow(record, options.alg ?? 'sha256') };
  const pending = db.isTransaction ? pendingOf.get(db as Transaction<Database>) : undefined;
  if (pending !== undefined) {
    pending.push(row);
    return Promise.resolve(row);
  }
  return inTransaction(db, async (trx) => {
    await chainAndInsert(trx, [row]);
    return row;
  });
}

export type AuditProblem = 'hash_mismatch' | 'prev_hash_mismatch' | 'seq_gap' | 'head_mismatch';

export type VerifyAuditResult =
  | { ok: true; count: number; headHash: string }
  | {
      ok: false;
      /** records checked and found good before the break */
      count: number;
      /** seq: the first seq where the chain breaks (for a gap or a cut tail: the first missing seq);
       *  id: the record found at that point, null when there is none */
      brokenAt: { seq: number; id: string | null; problem: AuditProblem };
    };

export interface VerifyAuditOptions {
  /** rows per query (default 1000 on SQLite, 5000 on PostgreSQL) */
  batchSize?: number;
  /**
   * 'database' (default): the database writes `prev_hash || canonical payload` of each row itself
   * (SQLite json_object, PostgreSQL row_to_json) — one string per row instead of 21 values — once a
   * probe at the start has shown it writes the same bytes as canonicalAuditPayload (else as below);
   * 'application': every hashed column is read and the payload written here. Same results.
   */
  payloadWriter?: 'database' | 'application';
  /**
   * Where the chain in the database begins: after archiving, the first seq still online and the
   * hash it links to, taken from the archive register and proven by the archives themselves
   * (audit-archive.ts verifyAuditHistory). Default: seq 1, linked to the genesis hash.
   */
  start?: { seq: number; prevHash: string };
}

// ---- the payload written by the database -------------------------------------------------------
//
// Reading 21 columns per record and writing their canonical JSON here cost ~3× the hashing itself
// (a JS string per column, the JSON written value by value, the garbage). Instead the database
// writes `prev_hash || canonical payload` — the exact text to hash — and returns one string per
// record. SQLite's json_object(label, value, …) and PostgreSQL's row_to_json(row) write
// `{"label":value,…}` in argument / column order with no whitespace, an integer as its digits,
// NULL as null, and escape exactly what JSON.stringify escapes in a string — `"`, `\`, and
// U+0000–U+001F (\b \t \n \f \r, the rest \u00xx in lower-case hex) — passing every other
// character through; over the sorted AUDIT_HASHED_FIELDS that is prev_hash + canonicalAuditPayload,
// byte for byte. (Text that is not valid UTF-8 — only a tamperer can store it — goes through as
// bytes and the driver decodes it as it would decode the column alone: every value is bounded by
// ASCII quotes or separators.) Every verification first runs the expression over a probe record
// holding every character that needs escaping and compares it with canonicalAuditPayloadReference;
// on any difference (another database version, say) the payload is written here instead.
// audit.test.ts checks both writers agree on every tampering it tries.

/** `prev_hash || canonical payload` of the audit_log row aliased `a`. */
const HASHED_TEXT: Record<DialectName, string> = {
  sqlite: `a.prev_hash || json_object(${AUDIT_HASHED_FIELDS.map((f) => `'${f}', a.${f}`).join(', ')})`,
  // row_to_json of a row with exactly these columns, in this order: `{"action":…,"actor_role":…}`
  postgres: `a.prev_hash || (select row_to_json(p)::text from (select ${AUDIT_HASHED_FIELDS.map((f) => `a.${f}`).join(', ')}) p)`,
};

/** Reads seq, prev_hash, hash_alg, hash and the text to hash, in this order, for a seq range. */
function hashedRowsSql(dialect: DialectName): string {
  const [lo, hi, limit] = dialect === 'postgres' ? ['$1', '$2', '$3'] : ['?', '?', '?'];
  return `select a.seq, a.prev_hash, a.hash_alg, a.hash, ${HASHED_TEXT[dialect]} as hashed from audit_log a
    where a.seq > ${lo} and a.seq <= ${hi} order by a.seq limit ${limit}`;
}

/** A record whose text values hold every character that needs escaping (NUL only where the database can hold it). */
function probeRecord(dialect: DialectName): AuditHashedRow {
  const controls = Array.from({ length: 32 }, (_, c) => String.fromCharCode(c)).join('').slice(dialect === 'postgres' ? 1 : 0);
  const special = `${controls}"\\/'\u007f\u0080é中文😀\u2028\u2029\ufffd`;
  return {
    action: special, actor_role: 'office', actor_unit_id: null, actor_user_id: `u${special}`, actor_username: '用户"名"',
    at: '2026-11-25T00:00:00.000Z', client_ip: null, comment: `多行\n说明\t"引号"\\`, detail: '{"a":"\\"x\\"","b":[1,2]}',
    file_hashes: '[]', from_state: null, hash_alg: 'sha256', id: 'probe', object_id: special.slice(5), object_type: '', outcome: 'ok',
    prev_hash: GENESIS_HASH, reason_code: null, seq: 9007199254740991, task_id: null, to_state: `${special}${special}`,
  };
}

/** The probe record as a one-row table named audit_log, typed like the real columns (a bound JS number is a REAL in SQLite). */
function probeSql(dialect: DialectName): string {
  const param = (i: number) => (dialect === 'postgres' ? `$${i + 1}` : '?');
  const values = AUDIT_HASHED_FIELDS.map((f, i) => (f === 'seq' ? `cast(${param(i)} as bigint)` : dialect === 'postgres' ? `${param(i)}::text` : param(i)));
  return `with audit_log (${AUDIT_HASHED_FIELDS.join(', ')}) as (values (${values.join(', ')})) select ${HASHED_TEXT[dialect]} as hashed from audit_log a`;
}

/**
 * Does the database write `prev_hash || canonicalAuditPayload(row)` exactly, so that
 * verifyAuditChain can let it? (One small query over a probe record, no table read.)
 */
export async function databaseWritesAuditPayload(db: DbOrTrx, dialect: DialectName = dialectOf(db)): Promise<boolean> {
  const row = probeRecord(dialect);
  try {
    const { rows } = await db.executeQuery<{ hashed: string }>(CompiledQuery.raw(probeSql(dialect), AUDIT_HASHED_FIELDS.map((f) => row[f])));
    return rows[0]?.hashed === row.prev_hash + canonicalAuditPayloadReference(row);
  } catch {
    return false;
  }
}

// ---- verification ------------------------------------------------------------------------------

/** Where the walk along the chain stands: every record before expectedSeq was found good. */
interface ChainWalk {
  count: number;
  expectedSeq: number;
  prevHash: string;
  lastSeq: number;
  /** the first problem: its seq and the seq of the record found there (whose id is reported) */
  broken: { seq: number; foundSeq: number; problem: AuditProblem } | null;
}

/** hex(H(input)); null when the algorithm is unknown (a tampered hash_alg): that record does not match. */
function digestHex(alg: unknown, input: string): string | null {
  try {
    // crypto.hash is the one-shot form of createHash(alg).update(input, 'utf8').digest('hex').
    if (alg === 'sha256' || alg === 'sm3') return hash(alg, input, 'hex');
    return createHash(alg as string).update(input, 'utf8').digest('hex');
  } catch {
    return null;
  }
}

/**
 * Checks the next record in seq order, in the order the problems are reported: its seq, its link
 * to the previous hash, its own hash. `hashedText` is prev_hash || canonical payload, or a function
 * writing it (called only once the seq and the link are good; a throw is a mismatch); null never
 * matches. Returns false, with walk.broken set, at the first problem.
 */
function step(
  walk: ChainWalk,
  seq: number,
  prevHash: unknown,
  alg: unknown,
  storedHash: unknown,
  hashedText: string | null | (() => string),
): boolean {
  if (seq !== walk.expectedSeq) {
    walk.broken = { seq: walk.expectedSeq, foundSeq: seq, problem: 'seq_gap' };
    return false;
  }
  if (prevHash !== walk.prevHash) {
    walk.broken = { seq, foundSeq: seq, problem: 'prev_hash_mismatch' };
    return false;
  }
  let text: string | null;
  try {
    text = typeof hashedText === 'function' ? hashedText() : hashedText;
  } catch {
    text = null;
  }
  if (text === null || typeof storedHash !== 'string' || digestHex(alg, text) !== storedHash) {
    walk.broken = { seq, foundSeq: seq, problem: 'hash_mismatch' };
    return false;
  }
  walk.prevHash = storedHash;
  walk.lastSeq = seq;
  walk.expectedSeq = seq + 1;
  walk.count += 1;
  return true;
}

/** Reads the next batch (seq > walk.lastSeq, ≤ headSeq) and steps through it; returns the number of rows read. */
type BatchReader = (walk: ChainWalk, headSeq: number, batchSize: number) => Promise<number>;

/** Rows [seq, prev_hash, hash_alg, hash, hashed] from a raw better-sqlite3 statement. */
type HashedArrayRow = [number, unknown, unknown, unknown, string | null];

function stepArrays(walk: ChainWalk, rows: readonly unknown[]): void {
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as HashedArrayRow;
    if (!step(walk, r[0], r[1], r[2], r[3], r[4])) return;
  }
}

/**
 * SQLite, outside a transaction: a read-only connection of our own to the same file, one prepared
 * statement returning arrays (no row objects, no query building per batch). Null for an in-memory
 * database, and inside a transaction (its uncommitted records are visible to its connection only).
 */
async function openSqliteReader(db: DbOrTrx): Promise<{ reader: BatchReader; close: () => void } | null> {
  if (db.isTransaction) return null;
  const { rows } = await sql<{ name: string; file: string | null }>`pragma database_list`.execute(db);
  const file = rows.find((r) => r.name === 'main')?.file;
  if (!file) return null;
  let conn: SQLite.Database;
  try {
    conn = new SQLite(file, { readonly: true, fileMustExist: true });
  } catch {
    return null;
  }
  try {
    conn.pragma('busy_timeout = 5000');
    const row = probeRecord('sqlite');
    const probe = conn.prepare(probeSql('sqlite')).pluck().get(...AUDIT_HASHED_FIELDS.map((f) => row[f]));
    if (probe !== row.prev_hash + canonicalAuditPayloadReference(row)) {
      conn.close();
      return null;
    }
    const stmt = conn.prepare(hashedRowsSql('sqlite')).raw(true);
    const reader: BatchReader = async (walk, headSeq, batchSize) => {
      const batch = stmt.all(walk.lastSeq, headSeq, batchSize);
      stepArrays(walk, batch);
      // let a server answer other requests between batches
      await new Promise<void>((resolve) => setImmediate(resolve));
      return batch.length;
    };
    return { reader, close: () => conn.close() };
  } catch {
    conn.close();
    return null;
  }
}

/** Through Kysely, the payload written by the database (PostgreSQL, or SQLite inside a transaction). */
function databaseWrittenReader(db: DbOrTrx, dialect: DialectName): BatchReader {
  const text = hashedRowsSql(dialect);
  return async (walk, headSeq, batchSize) => {
    const { rows } = await db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(text, [walk.lastSeq, headSeq, batchSize]));
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i] as { seq: number | string; prev_hash: unknown; hash_alg: unknown; hash: unknown; hashed: string | null };
      if (!step(walk, Number(r.seq), r.prev_hash, r.hash_alg, r.hash, r.hashed)) break;
    }
    return rows.length;
  };
}

/** Every hashed column read, the payload written here by canonicalAuditPayload. */
function applicationWrittenReader(db: DbOrTrx): BatchReader {
  return async (walk, headSeq, batchSize) => {
    const rows = await db
      .selectFrom('audit_log')
      .select([...AUDIT_HASHED_FIELDS, 'hash'])
      .where('seq', '>', walk.lastSeq)
      .where('seq', '<=', headSeq)
      .orderBy('seq')
      .limit(batchSize)
      .execute();
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i] as AuditLogRow;
      if (!step(walk, Number(r.seq), r.prev_hash, r.hash_alg, r.hash, () => r.prev_hash + canonicalAuditPayload(r))) break;
    }
    return rows.length;
  };
}

/**
 * Re-reads the whole log in seq order, batchSize rows at a time, and checks: seqs are 1, 2, 3…;
 * each prev_hash is the previous hash (genesis: 64 zeros); each hash recomputes; the last record is
 * the one audit_head names (a cut tail or rows appended behind the head's back are caught).
 * The head is read first, so appends committed during verification do not cause false alarms.
 */
export async function verifyAuditChain(db: DbOrTrx, options: VerifyAuditOptions = {}): Promise<VerifyAuditResult> {
  const dialect = dialectOf(db);
  // SQLite (in process): small batches keep the strings young for the GC; PostgreSQL: fewer round trips
  const batchSize = Math.max(1, options.batchSize ?? (dialect === 'postgres' ? 5000 : 1000));
  const head = await db.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirst();
  const headSeq = head === undefined ? 0 : Number(head.seq);
  const headHash = head?.hash ?? GENESIS_HASH;

  const application = applicationWrittenReader(db);
  let reader = application;
  let sqliteReader: { reader: BatchReader; close: () => void } | null = null;
  if (options.payloadWriter !== 'application' && headSeq > 0) {
    if (dialect === 'sqlite') sqliteReader = await openSqliteReader(db);
    if (sqliteReader !== null) reader = sqliteReader.reader;
    else if (await databaseWritesAuditPayload(db, dialect)) reader = databaseWrittenReader(db, dialect);
  }

  const start = options.start ?? { seq: 1, prevHash: GENESIS_HASH };
  const walk: ChainWalk = { count: start.seq - 1, expectedSeq: start.seq, prevHash: start.prevHash, lastSeq: start.seq - 1, broken: null };
  try {
    for (;;) {
      let read: number;
      try {
        read = await reader(walk, headSeq, batchSize);
      } catch (err) {
        // SQLite's json_object refuses a BLOB value, which only a tamperer can put in a text column:
        // go on with the payload written here (which reports that record as a hash mismatch).
        if (reader === application || walk.broken !== null) throw err;
        reader = application;
        read = await reader(walk, headSeq, batchSize);
      }
      if (walk.broken !== null) {
        const { seq, foundSeq, problem } = walk.broken;
        const found = await db.selectFrom('audit_log').select('id').where('seq', '=', foundSeq).executeTakeFirst();
        return { ok: false, count: walk.count, brokenAt: { seq, id: found?.id ?? null, problem } };
      }
      if (read < batchSize) break;
    }
  } finally {
    sqliteReader?.close();
  }

  const { lastSeq, count, prevHash } = walk;
  if (lastSeq !== headSeq) return { ok: false, count, brokenAt: { seq: lastSeq + 1, id: null, problem: 'head_mismatch' } };
  if (prevHash !== headHash) {
    const last = lastSeq < start.seq ? undefined : await db.selectFrom('audit_log').select('id').where('seq', '=', lastSeq).executeTakeFirst();
    return { ok: false, count, brokenAt: { seq: lastSeq, id: last?.id ?? null, problem: 'head_mismatch' } };
  }

  // Rows beyond the head that the head does not know about (inserted around appendAudit).
  const beyond = await db
    .selectFrom('audit_log')
    .select(['seq', 'id'])
    .where('seq', '>', headSeq)
    .orderBy('seq')
    .limit(1)
    .executeTakeFirst();
  if (beyond !== undefined) {
    const headNow = await db.selectFrom('audit_head').select('seq').where('id', '=', 1).executeTakeFirst();
    if (headNow === undefined || Number(headNow.seq) === headSeq) {
      return { ok: false, count, brokenAt: { seq: headSeq + 1, id: beyond.id, problem: 'head_mismatch' } };
    }
  }
  return { ok: true, count, headHash };
}

export interface AuditFilters {
  taskId?: string;
  actorUserId?: string;
  /** the actor's unit */
  unitId?: string;
  /** at >= from (ISO text) */
  from?: string;
  /** at < to (ISO text, exclusive) */
  to?: string;
  /** exact event type, or a prefix when it ends with '*' (e.g. 'auth.*') */
  action?: string;
  objectType?: string;
  objectId?: string;
  outcome?: AuditOutcome;
  /** keyset cursor: the last seq of the previous page (a page ordered by time continues after its record's (at, seq)) */
  cursor?: number | null;
  limit: number;
  /** default 'desc' (newest first): by seq, or by (at, seq) when from / to is set */
  order?: 'asc' | 'desc';
}

export interface AuditPage {
  items: AuditLogRow[];
  /** pass as `cursor` to get the next page; null at the end */
  nextCursor: number | null;
}

const NOT_OK = sql<boolean>`outcome <> 'ok'`;

/** Where a page starts: after the record `seq` in the page's order — by seq, or by (at, seq) when `at` is given. */
interface AuditKeyset {
  seq: number;
  at: string | undefined;
  order: 'asc' | 'desc';
}

function filteredAudit(db: DbOrTrx, f: Omit<AuditFilters, 'limit' | 'cursor' | 'order'>, keyset: AuditKeyset | null = null) {
  let q = db.selectFrom('audit_log').selectAll();
  if (keyset !== null) {
    const { seq, at, order } = keyset;
    const after = order === 'desc' ? '<' : '>';
    if (at === undefined) {
      q = q.where('seq', after, seq);
    } else {
      // (at, seq) after the cursor's, written so that `at` alone bounds the index range on both
      // dialects. These terms come before from / to: of two bounds on `at` SQLite (without
      // statistics) ranges the index by the first it is given, and the cursor's is the tighter —
      // else a deep page would walk the index from the end of the range to the cursor.
      q = q.where('at', order === 'desc' ? '<=' : '>=', at).where((eb) => eb.or([eb('at', after, at), eb('seq', after, seq)]));
    }
  }
  if (f.taskId !== undefined) q = q.where('task_id', '=', f.taskId);
  if (f.actorUserId !== undefined) q = q.where('actor_user_id', '=', f.actorUserId);
  if (f.unitId !== undefined) q = q.where('actor_unit_id', '=', f.unitId);
  if (f.from !== undefined) q = q.where('at', '>=', f.from);
  if (f.to !== undefined) q = q.where('at', '<', f.to);
  if (f.objectType !== undefined) q = q.where('object_type', '=', f.objectType);
  if (f.objectId !== undefined) q = q.where('object_id', '=', f.objectId);
  if (f.outcome !== undefined) q = q.where('outcome', '=', f.outcome);
  // The partial indexes audit_log_not_ok(_at)_idx's condition, as the literal they are written with: SQLite
  // uses a partial index only when the query repeats its condition (outcome = ? does not imply it).
  if (f.outcome !== undefined && f.outcome !== 'ok') q = q.where(NOT_OK);
  if (f.action !== undefined) {
    if (f.action.endsWith('*')) {
      const prefix = f.action.slice(0, -1);
      // substr instead of LIKE: exact and case-sensitive on both dialects
      q = q.where(sql<string>`substr(action, 1, ${prefix.length})`, '=', prefix);
    } else {
      q = q.where('action', '=', f.action);
    }
  }
  return q;
}

/** Whether a page is ordered by time: it is filtered by time (from / to). */
export function auditOrderedByTime(filters: Pick<AuditFilters, 'from' | 'to'>): boolean {
  return filters.from !== undefined || filters.to !== undefined;
}

/**
 * One page of the log, filtered, keyset-paginated. The order is the chain's (seq), except on a page
 * filtered by time (from / to): there it is (at, seq), which the time indexes hold (audit_log_at_idx
 * on SQLite, where seq is the rowid; audit_log_at_seq_idx on PostgreSQL; with one person, unit or
 * event, or refusals, audit_log_{actor,unit,action,not_ok}_at_idx — migration 2026_12_07_0200), so
 * the newest (oldest) 100 of a week are read from an index instead of every record of the week
 * sorted by seq. The two orders differ only where `at` (stamped when a
 * move starts) and seq (given when its commit chains it) cross, milliseconds apart.
 *
 * The cursor is still the last seq of the previous page; on a page ordered by time its record's `at`
 * is read back, and the next page starts after (at, seq). A cursor whose record has left the
 * database (archived while the auditor paged: archiving removes the oldest seqs) continues by seq.
 */
export async function listAudit(db: DbOrTrx, filters: AuditFilters): Promise<AuditPage> {
  const order = filters.order ?? 'desc';
  const limit = Math.max(1, Math.min(filters.limit, 1000));
  const byTime = auditOrderedByTime(filters);
  const cursor = filters.cursor;
  let keyset: AuditKeyset | null = null;
  if (cursor !== undefined && cursor !== null) {
    const at = byTime ? (await db.selectFrom('audit_log').select('at').where('seq', '=', cursor).executeTakeFirst())?.at : undefined;
    keyset = { seq: cursor, at, order };
  }
  let q = filteredAudit(db, filters, keyset);
  if (byTime) q = q.orderBy('at', order);
  const rows = await q.orderBy('seq', order).limit(limit + 1).execute();
  const items = rows.slice(0, limit).map((r) => ({ ...r, seq: Number(r.seq) }));
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last !== undefined ? last.seq : null };
}

/**
 * Streams every matching record oldest first (listAudit's order: seq, or (at, seq) when filtered by
 * time), batchSize rows per query — for export.
 */
export async function* iterateAudit(
  db: DbOrTrx,
  filters: Omit<AuditFilters, 'limit' | 'cursor' | 'order'> = {},
  batchSize = 500,
): AsyncGenerator<AuditLogRow, void, undefined> {
  let cursor: number | null = null;
  for (;;) {
    const page: AuditPage = await listAudit(db, { ...filters, cursor, limit: batchSize, order: 'asc' });
    yield* page.items;
    if (page.nextCursor === null) return;
    cursor = page.nextCursor;
  }
}

/** The current head of the chain. */
export async function getAuditHead(db: DbOrTrx): Promise<{ seq: number; hash: string }> {
  const head = await db.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirst();
  return head === undefined ? { seq: 0, hash: GENESIS_HASH } : { seq: Number(head.seq), hash: head.hash };
}
