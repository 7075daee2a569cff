import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { dialectOf } from './dialect.js';
import { inTransaction } from './executor.js';
import type { DbOrTrx } from './executor.js';
import { newId, nowIso } from './ids.js';
import type { AuditLogRow, AuditOutcome, HashAlg } from './tables/index.js';

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

/**
 * Appends one record to the hash chain inside the caller's transaction (opens one when given the
 * bare database). Locks audit_head (PostgreSQL: SELECT … FOR UPDATE; SQLite has a single writer),
 * assigns seq = head.seq + 1, links prev_hash = head.hash, inserts, moves the head.
 */
export function appendAudit(db: DbOrTrx, record: AuditRecordInput, options: AppendAuditOptions = {}): Promise<AuditLogRow> {
  const alg = options.alg ?? 'sha256';
  return inTransaction(db, async (trx) => {
    let headQuery = trx.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1);
    if (dialectOf(trx) === 'postgres') headQuery = headQuery.forUpdate();
    const head = await headQuery.executeTakeFirst();
    if (head === undefined) throw new Error('audit_head row is missing: run the migrations');

    const unhashed: Omit<AuditLogRow, 'hash'> = {
      seq: Number(head.seq) + 1,
      id: record.id ?? newId(),
      at: record.at ?? nowIso(),
      actor_user_id: record.actor_user_id ?? null,
      actor_username: record.actor_username ?? null,
      actor_role: record.actor_role ?? null,
      actor_unit_id: record.actor_unit_id ?? null,
      action: record.action,
      object_type: record.object_type ?? null,
      object_id: record.object_id ?? null,
      task_id: record.task_id ?? null,
      outcome: record.outcome ?? 'ok',
      reason_code: record.reason_code ?? null,
      from_state: record.from_state ?? null,
      to_state: record.to_state ?? null,
      comment: record.comment ?? null,
      detail: canonicalJson(record.detail ?? {}),
      file_hashes: canonicalJson(record.file_hashes ?? []),
      client_ip: record.client_ip ?? null,
      hash_alg: alg,
      prev_hash: head.hash,
    };
    const row: AuditLogRow = { ...unhashed, hash: computeAuditHash(head.hash, unhashed, alg) };
    await trx.insertInto('audit_log').values(row).execute();
    await trx.updateTable('audit_head').set({ seq: row.seq, hash: row.hash }).where('id', '=', 1).execute();
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

function hashMatches(row: AuditLogRow): boolean {
  try {
    return computeAuditHash(row.prev_hash, row, row.hash_alg) === row.hash;
  } catch {
    return false;
  }
}

/**
 * Re-reads the whole log in seq order, batchSize rows at a time, and checks: seqs are 1, 2, 3…;
 * each prev_hash is the previous hash (genesis: 64 zeros); each hash recomputes; the last record is
 * the one audit_head names (a cut tail or rows appended behind the head's back are caught).
 * The head is read first, so appends committed during verification do not cause false alarms.
 */
export async function verifyAuditChain(db: DbOrTrx, options: { batchSize?: number } = {}): Promise<VerifyAuditResult> {
  const batchSize = Math.max(1, options.batchSize ?? 1000);
  const head = await db.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirst();
  const headSeq = head === undefined ? 0 : Number(head.seq);
  const headHash = head?.hash ?? GENESIS_HASH;

  let count = 0;
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let lastSeq = 0;
  let lastId: string | null = null;
  for (;;) {
    const rows = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '>', lastSeq)
      .where('seq', '<=', headSeq)
      .orderBy('seq')
      .limit(batchSize)
      .execute();
    for (const raw of rows) {
      const row: AuditLogRow = { ...raw, seq: Number(raw.seq) };
      if (row.seq !== expectedSeq) return { ok: false, count, brokenAt: { seq: expectedSeq, id: row.id, problem: 'seq_gap' } };
      if (row.prev_hash !== prevHash) {
        return { ok: false, count, brokenAt: { seq: row.seq, id: row.id, problem: 'prev_hash_mismatch' } };
      }
      if (!hashMatches(row)) return { ok: false, count, brokenAt: { seq: row.seq, id: row.id, problem: 'hash_mismatch' } };
      prevHash = row.hash;
      lastSeq = row.seq;
      lastId = row.id;
      expectedSeq += 1;
      count += 1;
    }
    if (rows.length < batchSize) break;
  }

  if (lastSeq !== headSeq) return { ok: false, count, brokenAt: { seq: lastSeq + 1, id: null, problem: 'head_mismatch' } };
  if (prevHash !== headHash) return { ok: false, count, brokenAt: { seq: lastSeq, id: lastId, problem: 'head_mismatch' } };

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
  /** keyset cursor: the last seq of the previous page */
  cursor?: number | null;
  limit: number;
  /** default 'desc' (newest first) */
  order?: 'asc' | 'desc';
}

export interface AuditPage {
  items: AuditLogRow[];
  /** pass as `cursor` to get the next page; null at the end */
  nextCursor: number | null;
}

function filteredAudit(db: DbOrTrx, f: Omit<AuditFilters, 'limit' | 'cursor' | 'order'>) {
  let q = db.selectFrom('audit_log').selectAll();
  if (f.taskId !== undefined) q = q.where('task_id', '=', f.taskId);
  if (f.actorUserId !== undefined) q = q.where('actor_user_id', '=', f.actorUserId);
  if (f.unitId !== undefined) q = q.where('actor_unit_id', '=', f.unitId);
  if (f.from !== undefined) q = q.where('at', '>=', f.from);
  if (f.to !== undefined) q = q.where('at', '<', f.to);
  if (f.objectType !== undefined) q = q.where('object_type', '=', f.objectType);
  if (f.objectId !== undefined) q = q.where('object_id', '=', f.objectId);
  if (f.outcome !== undefined) q = q.where('outcome', '=', f.outcome);
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

/** One page of the log, filtered, keyset-paginated by seq. */
export async function listAudit(db: DbOrTrx, filters: AuditFilters): Promise<AuditPage> {
  const order = filters.order ?? 'desc';
  const limit = Math.max(1, Math.min(filters.limit, 1000));
  let q = filteredAudit(db, filters);
  if (filters.cursor !== undefined && filters.cursor !== null) {
    q = q.where('seq', order === 'desc' ? '<' : '>', filters.cursor);
  }
  const rows = await q.orderBy('seq', order).limit(limit + 1).execute();
  const items = rows.slice(0, limit).map((r) => ({ ...r, seq: Number(r.seq) }));
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last !== undefined ? last.seq : null };
}

/** Streams every matching record in seq order (oldest first), batchSize rows per query — for export. */
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
