// Supervision (督查督办) rows: the in-app inbox, once-a-day job runs, 督办单 with their yearly
// numbering, and the read-only queries the statistics are made of.
import { sql } from 'kysely';
import type { DbOrTrx } from '../executor.js';
import { CLOSED_TASK_STAGES } from '../tables/tasks.table.js';
import { newId, nowIso, parseJson, toJson } from '../ids.js';
import type {
  JobRunRow,
  NotificationRow,
  SupervisionNoticeColour,
  SupervisionNoticeRow,
  SupervisionNoticeStatus,
  TaskStage,
} from '../tables/index.js';

// ---------------------------------------------------------------------------------------------
// Notifications

export interface NewNotification {
  user_id?: string | null;
  unit_id?: string | null;
  kind: string;
  task_id?: string | null;
  title: string;
  body?: string;
  created_at?: string;
}

export async function insertNotifications(db: DbOrTrx, items: readonly NewNotification[]): Promise<number> {
  if (items.length === 0) return 0;
  const values = items.map((n) => {
    if ((n.user_id ?? null) === null && (n.unit_id ?? null) === null) throw new Error('a notification needs a user or a unit');
    return {
      id: newId(),
      user_id: n.user_id ?? null,
      unit_id: n.unit_id ?? null,
      kind: n.kind,
      task_id: n.task_id ?? null,
      title: n.title,
      body: n.body ?? '',
      created_at: n.created_at ?? nowIso(),
      read_at: null,
    };
  });
  for (let i = 0; i < values.length; i += 100) await db.insertInto('notifications').values(values.slice(i, i + 100)).execute();
  return values.length;
}

/** Whom a reader is: their own messages and their unit's. */
export interface Addressee {
  userId: string;
  unitId: string | null;
}

function addressed(db: DbOrTrx, to: Addressee) {
  return db.selectFrom('notifications').where((eb) =>
    to.unitId === null ? eb('user_id', '=', to.userId) : eb.or([eb('user_id', '=', to.userId), eb('unit_id', '=', to.unitId)]),
  );
}

/** Newest first; `before` is the created_at|id cursor of the previous page's last row. */
export async function listNotifications(
  db: DbOrTrx,
  to: Addressee,
  options: { unreadOnly?: boolean; limit: number; cursor?: string | null },
): Promise<{ items: NotificationRow[]; nextCursor: string | null }> {
  const limit = Math.max(1, Math.min(options.limit, 500));
  let q = addressed(db, to).selectAll();
  if (options.unreadOnly) q = q.where('read_at', 'is', null);
  if (options.cursor) {
    const [at, id] = options.cursor.split('|');
    if (at === undefined || id === undefined) throw new Error('invalid notification cursor');
    q = q.where((eb) => eb.or([eb('created_at', '<', at), eb.and([eb('created_at', '=', at), eb('id', '<', id)])]));
  }
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? `${last.created_at}|${last.id}` : null };
}

export async function countUnreadNotifications(db: DbOrTrx, to: Addressee): Promise<number> {
  const row = await addressed(db, to)
    .where('read_at', 'is', null)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Marks the reader's messages read (all of them when `ids` is omitted). Returns how many changed. */
export async function markNotificationsRead(db: DbOrTrx, to: Addressee, ids: readonly string[] | null, at: string): Promise<number> {
  if (ids !== null && ids.length === 0) return 0;
  let q = db
    .updateTable('notifications')
    .set({ read_at: at })
    .where('read_at', 'is', null)
    .where((eb) =>
      to.unitId === null ? eb('user_id', '=', to.userId) : eb.or([eb('user_id', '=', to.userId), eb('unit_id', '=', to.unitId)]),
    );
  if (ids !== null) q = q.where('id', 'in', [...ids]);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}

// ---------------------------------------------------------------------------------------------
// Job runs

export type JobLease = { kind: 'new' } | { kind: 'resumed'; progress: string | null } | { kind: 'finished' } | { kind: 'busy' };

/**
 * Takes the lease of (job, day) for `owner`: 'new' for the one caller whose insert of the row
 * succeeds; 'resumed' (with the progress saved so far) when an unfinished run's owner has not
 * saved progress since `staleBefore` (it crashed or hangs) and this caller took it over; 'finished'
 * when the day's run is done; 'busy' while another owner works on it.
 */
export async function leaseJobRun(db: DbOrTrx, job: string, day: string, owner: string, at: string, staleBefore: string): Promise<JobLease> {
  const inserted = await db
    .insertInto('job_runs')
    .values({ job, day, started_at: at, finished_at: null, detail: '{}', owner, heartbeat_at: at, progress: null })
    .onConflict((oc) => oc.columns(['job', 'day']).doNothing())
    .returning('job')
    .execute();
  if (inserted.length === 1) return { kind: 'new' };
  const row = await getJobRun(db, job, day);
  if (row === undefined) return { kind: 'busy' }; // deleted meanwhile: the next try inserts it
  if (row.finished_at !== null) return { kind: 'finished' };
  if (row.heartbeat_at !== null && row.heartbeat_at >= staleBefore) return { kind: 'busy' };
  // Compare-and-set on the owner and heartbeat seen: of two processes taking over, one wins.
  const taken = await db
    .updateTable('job_runs')
    .set({ owner, heartbeat_at: at })
    .where('job', '=', job)
    .where('day', '=', day)
    .where('finished_at', 'is', null)
    .where((eb) => (row.owner === null ? eb('owner', 'is', null) : eb('owner', '=', row.owner)))
    .where((eb) => (row.heartbeat_at === null ? eb('heartbeat_at', 'is', null) : eb('heartbeat_at', '=', row.heartbeat_at)))
    .executeTakeFirst();
  return Number(taken.numUpdatedRows) === 1 ? { kind: 'resumed', progress: row.progress } : { kind: 'busy' };
}

/** Saves an unfinished run's progress (call it in the transaction of the writes it covers); false if `owner` lost the lease. */
export async function saveJobProgress(db: DbOrTrx, job: string, day: string, owner: string, progress: unknown, at: string): Promise<boolean> {
  const r = await db
    .updateTable('job_runs')
    .set({ progress: toJson(progress), heartbeat_at: at })
    .where('job', '=', job)
    .where('day', '=', day)
    .where('owner', '=', owner)
    .where('finished_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Marks the run done with what it did; false if `owner` no longer holds its lease. */
export async function finishJobRun(db: DbOrTrx, job: string, day: string, owner: string, detail: unknown, at: string = nowIso()): Promise<boolean> {
  const r = await db
    .updateTable('job_runs')
    .set({ finished_at: at, detail: toJson(detail), heartbeat_at: at })
    .where('job', '=', job)
    .where('day', '=', day)
    .where('owner', '=', owner)
    .where('finished_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export function getJobRun(db: DbOrTrx, job: string, day: string): Promise<JobRunRow | undefined> {
  return db.selectFrom('job_runs').selectAll().where('job', '=', job).where('day', '=', day).executeTakeFirst();
}

// ---------------------------------------------------------------------------------------------
// 督办单

export interface NewNoticeDraft {
  colour: SupervisionNoticeColour;
  task_id: string;
  unit_id: string;
  facts: string;
  reply_due: string;
  created_by?: string | null;
  created_at?: string;
}

export function createNoticeDraft(db: DbOrTrx, input: NewNoticeDraft): Promise<SupervisionNoticeRow> {
  return db
    .insertInto('supervision_notices')
    .values({
      id: newId(),
      year: null,
      seq: null,
      number: null,
      colour: input.colour,
      task_id: input.task_id,
      unit_id: input.unit_id,
      facts: input.facts,
      reply_due: input.reply_due,
      status: 'draft',
      created_at: input.created_at ?? nowIso(),
      created_by: input.created_by ?? null,
      issued_at: null,
      issued_by: null,
      answer_text: null,
      answered_at: null,
      answered_by: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function getNotice(db: DbOrTrx, id: string): Promise<SupervisionNoticeRow | undefined> {
  return db.selectFrom('supervision_notices').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Which notices a list or its counts cover. */
export interface NoticeFilters {
  /** one status, or any of several (a liaison: issued and answered, never drafts) */
  status?: SupervisionNoticeStatus | readonly SupervisionNoticeStatus[];
  unitId?: string;
  taskId?: string;
}

export interface NoticePage {
  items: SupervisionNoticeRow[];
  /** the next page's `cursor`; null on the last page */
  nextCursor: string | null;
}

/** The keyset of the notice lists' order: newest first (created_at desc, id desc). */
interface NoticeCursor {
  createdAt: string;
  id: string;
}

export function encodeNoticeCursor(c: NoticeCursor): string {
  return Buffer.from(JSON.stringify([c.createdAt, c.id]), 'utf8').toString('base64url');
}

export function decodeNoticeCursor(cursor: string): NoticeCursor {
  const v = parseJson<unknown>(Buffer.from(cursor, 'base64url').toString('utf8'), null);
  if (!Array.isArray(v) || v.length !== 2 || typeof v[0] !== 'string' || typeof v[1] !== 'string') throw new Error('invalid notice cursor');
  return { createdAt: v[0], id: v[1] };
}

function filteredNotices(db: DbOrTrx, filters: NoticeFilters) {
  let q = db.selectFrom('supervision_notices');
  if (filters.status !== undefined) {
    const statuses: SupervisionNoticeStatus[] = typeof filters.status === 'string' ? [filters.status] : [...filters.status];
    q = statuses.length === 0 ? q.where(sql<boolean>`1 = 0`) : statuses.length === 1 ? q.where('status', '=', statuses[0]!) : q.where('status', 'in', statuses);
  }
  if (filters.unitId !== undefined) q = q.where('unit_id', '=', filters.unitId);
  if (filters.taskId !== undefined) q = q.where('task_id', '=', filters.taskId);
  return q;
}

/**
 * One page of notices, newest first (created_at desc, then id desc), keyset-paginated: `cursor` is
 * the previous page's `nextCursor` (an invalid one throws 'invalid notice cursor'). Migration
 * 2026_12_08_0100 gives every filter combination an index in this order.
 */
export async function listNotices(db: DbOrTrx, filters: NoticeFilters & { limit: number; cursor?: string | null }): Promise<NoticePage> {
  const limit = Math.max(1, Math.min(filters.limit, 500));
  let q = filteredNotices(db, filters).selectAll();
  if (filters.cursor !== undefined && filters.cursor !== null) {
    const c = decodeNoticeCursor(filters.cursor);
    q = q.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(c.createdAt, c.id)));
  }
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last !== undefined ? encodeNoticeCursor({ createdAt: last.created_at, id: last.id }) : null };
}

/** Every notice of the given tasks (a bounded list: 500 ids per query), newest first. */
export async function listNoticesOfTasks(
  db: DbOrTrx,
  taskIds: readonly string[],
  filters: { status?: SupervisionNoticeStatus } = {},
): Promise<SupervisionNoticeRow[]> {
  const ids = [...new Set(taskIds)];
  const out: SupervisionNoticeRow[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    let q = db.selectFrom('supervision_notices').selectAll().where('task_id', 'in', ids.slice(i, i + 500));
    if (filters.status !== undefined) q = q.where('status', '=', filters.status);
    out.push(...(await q.execute()));
  }
  return out.sort((a, b) => (a.created_at === b.created_at ? (a.id < b.id ? 1 : a.id > b.id ? -1 : 0) : a.created_at < b.created_at ? 1 : -1));
}

export interface NoticeCounts {
  draft: number;
  issued: number;
  answered: number;
  /** issued, unanswered and past the reply date (reply_due < today) */
  late: number;
}

/**
 * How many notices of each status match the filters (a status filter limits which statuses are
 * counted; the others are 0), and how many issued ones are past their reply date: `today` is
 * 'YYYY-MM-DD' in the office's zone (the db reads no clock). Two index range counts.
 */
export async function countNoticesByStatus(db: DbOrTrx, filters: NoticeFilters & { today: string }): Promise<NoticeCounts> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(filters.today)) throw new Error('countNoticesByStatus: today must be YYYY-MM-DD');
  const counts: NoticeCounts = { draft: 0, issued: 0, answered: 0, late: 0 };
  const rows = await filteredNotices(db, filters)
    .select(['status', (eb) => eb.fn.countAll<number | string | bigint>().as('n')])
    .groupBy('status')
    .execute();
  for (const r of rows) counts[r.status] = Number(r.n);
  if (counts.issued > 0) {
    const late = await filteredNotices(db, filters)
      .where('status', '=', 'issued')
      .where('reply_due', '<', filters.today)
      .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
      .executeTakeFirstOrThrow();
    counts.late = Number(late.n);
  }
  return counts;
}

/** Changes a draft's colour and facts (a re-draft after the marks moved). */
export async function updateNoticeDraft(
  db: DbOrTrx,
  id: string,
  patch: { colour: SupervisionNoticeColour; facts: string; reply_due: string },
): Promise<boolean> {
  const r = await db.updateTable('supervision_notices').set(patch).where('id', '=', id).where('status', '=', 'draft').executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** The next number of `year` (1, 2, …): a row-locked increment, safe with concurrent issuers. */
export async function nextNoticeSeq(db: DbOrTrx, year: number): Promise<number> {
  await db.insertInto('notice_counters').values({ year, last: 0 }).onConflict((oc) => oc.column('year').doNothing()).execute();
  const row = await db
    .updateTable('notice_counters')
    .set({ last: sql<number>`last + 1` })
    .where('year', '=', year)
    .returning('last')
    .executeTakeFirstOrThrow();
  return Number(row.last);
}

/** 督办〔2026〕第3号 */
export function formatNoticeNumber(year: number, seq: number): string {
  return `督办〔${year}〕第${seq}号`;
}

/** draft → issued with the next number of the year. Null when the notice is not a draft. */
export async function issueNotice(
  db: DbOrTrx,
  id: string,
  input: { year: number; issued_by: string | null; at: string; reply_due?: string },
): Promise<SupervisionNoticeRow | null> {
  const current = await getNotice(db, id);
  if (current === undefined || current.status !== 'draft') return null;
  const seq = await nextNoticeSeq(db, input.year);
  const row = await db
    .updateTable('supervision_notices')
    .set({
      year: input.year,
      seq,
      number: formatNoticeNumber(input.year, seq),
      status: 'issued',
      issued_at: input.at,
      issued_by: input.issued_by,
      ...(input.reply_due !== undefined ? { reply_due: input.reply_due } : {}),
    })
    .where('id', '=', id)
    .where('status', '=', 'draft')
    .returningAll()
    .executeTakeFirst();
  return row ?? null;
}

/** issued → answered. Null when the notice is not issued. */
export async function answerNotice(
  db: DbOrTrx,
  id: string,
  input: { text: string; answered_by: string | null; at: string },
): Promise<SupervisionNoticeRow | null> {
  const row = await db
    .updateTable('supervision_notices')
    .set({ status: 'answered', answer_text: input.text, answered_at: input.at, answered_by: input.answered_by })
    .where('id', '=', id)
    .where('status', '=', 'issued')
    .returningAll()
    .executeTakeFirst();
  return row ?? null;
}

export async function deleteNoticeDraft(db: DbOrTrx, id: string): Promise<boolean> {
  const r = await db.deleteFrom('supervision_notices').where('id', '=', id).where('status', '=', 'draft').executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

// ---------------------------------------------------------------------------------------------
// Read-only queries for deadlines and statistics

/** A successful task move from the audit log (what the statistics are computed from). */
export interface TaskMove {
  seq: number;
  task_id: string;
  action: string;
  at: string;
  from_state: string | null;
  to_state: string | null;
  detail: string;
}

/**
 * Every successful task.* record of the given tasks (or all), in log order. `stateChanges`: only
 * records whose state changed (from_state ≠ to_state, or either unknown) and every task.RETURN —
 * what stage entry times, completions, durations and returns are computed from; leaves out the
 * many records that do not move a task (urging, comments…) before they reach the application.
 */
export async function listTaskMoves(
  db: DbOrTrx,
  options: { taskIds?: readonly string[]; actions?: readonly string[]; stateChanges?: boolean } = {},
): Promise<TaskMove[]> {
  let q = db
    .selectFrom('audit_log')
    .select(['seq', 'task_id', 'action', 'at', 'from_state', 'to_state', 'detail'])
    .where('outcome', '=', 'ok')
    .where('task_id', 'is not', null)
    .where(sql<string>`substr(action, 1, 5)`, '=', 'task.');
  if (options.stateChanges === true) {
    q = q.where((eb) =>
      eb.or([
        eb('from_state', 'is', null),
        eb('to_state', 'is', null),
        eb('from_state', '<>', eb.ref('to_state')),
        eb('action', '=', 'task.RETURN'),
      ]),
    );
  }
  if (options.actions !== undefined) {
    if (options.actions.length === 0) return [];
    q = q.where('action', 'in', [...options.actions]);
  }
  if (options.taskIds !== undefined) {
    if (options.taskIds.length === 0) return [];
    const out: TaskMove[] = [];
    for (let i = 0; i < options.taskIds.length; i += 500) {
      const rows = await q.where('task_id', 'in', options.taskIds.slice(i, i + 500)).orderBy('seq').execute();
      out.push(...rows.map((r) => ({ ...r, seq: Number(r.seq), task_id: r.task_id as string })));
    }
    return out.sort((a, b) => a.seq - b.seq);
  }
  const rows = await q.orderBy('seq').execute();
  return rows.map((r) => ({ ...r, seq: Number(r.seq), task_id: r.task_id as string }));
}

/** For each task, its latest progress report (by created_at, id: its period, last percent given and text; the older texts are never read) and the periods it reported. */
export async function latestProgressByTask(
  db: DbOrTrx,
  taskIds: readonly string[],
): Promise<Map<string, { period: string; percent: number | null; text: string; created_at: string; periods: Set<string> }>> {
  const out = new Map<string, { period: string; percent: number | null; text: string; created_at: string; periods: Set<string> }>();
  for (let i = 0; i < taskIds.length; i += 500) {
    // the reports without their texts (up to 20,000 characters each), then only the latest ones' texts
    const rows = await db
      .selectFrom('progress_reports')
      .select(['task_id', 'id', 'period', 'percent', 'created_at'])
      .where('task_id', 'in', taskIds.slice(i, i + 500))
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    const latestId = new Map<string, string>();
    for (const r of rows) {
      const prev = out.get(r.task_id);
      const periods = prev?.periods ?? new Set<string>();
      periods.add(r.period);
      out.set(r.task_id, { period: r.period, percent: r.percent ?? prev?.percent ?? null, text: '', created_at: r.created_at, periods });
      latestId.set(r.task_id, r.id);
    }
    if (latestId.size === 0) continue;
    const texts = await db.selectFrom('progress_reports').select(['task_id', 'text']).where('id', 'in', [...latestId.values()]).execute();
    for (const r of texts) (out.get(r.task_id) as { text: string }).text = r.text;
  }
  return out;
}

/** Every (task, unit, relation) link of a plan's tasks (or all tasks) in one query. */
export function listTaskUnitLinks(db: DbOrTrx, filters: { planId?: string } = {}): Promise<{ task_id: string; unit_id: string; relation: 'lead' | 'co' }[]> {
  let q = db
    .selectFrom('task_units')
    .innerJoin('tasks', 'tasks.id', 'task_units.task_id')
    .select(['task_units.task_id', 'task_units.unit_id', 'task_units.relation']);
  if (filters.planId !== undefined) q = q.where('tasks.plan_id', '=', filters.planId);
  return q.orderBy('task_units.task_id').orderBy('task_units.unit_id').execute();
}

/** The columns of a task that its supervision marks and statistics need (no snapshot, text or targets). */
export interface MarkTask {
  id: string;
  plan_id: string;
  ordinal: number;
  stage: TaskStage;
  status: string;
  due_date: string | null;
  created_at: string;
  lead_unit_id: string | null;
  effective_due_date: string | null;
  entered_stage_at: string | null;
  reached_unit_at: string | null;
  completed_at: string | null;
  latest_percent: number | null;
  last_report_period: string | null;
  resolution_class: string | null;
  behind_from: string | null;
}

/**
 * A plan's tasks in document order with only the columns marks and statistics need — the snapshot
 * (the bulk of a row) stays in the database. `unitId`: tasks the unit holds (lead or co); `open`:
 * not done / terminated.
 */
export async function listPlanMarkTasks(db: DbOrTrx, planId: string, options: { unitId?: string | undefined; open?: boolean } = {}): Promise<MarkTask[]> {
  let q = db
    .selectFrom('tasks')
    .select([
      'id',
      'plan_id',
      'ordinal',
      'stage',
      'status',
      'due_date',
      'created_at',
      'lead_unit_id',
      'effective_due_date',
      'entered_stage_at',
      'reached_unit_at',
      'completed_at',
      'latest_percent',
      'last_report_period',
      'resolution_class',
      'behind_from',
    ])
    .where('plan_id', '=', planId);
  if (options.open === true) q = q.where('stage', 'not in', CLOSED_TASK_STAGES);
  if (options.unitId !== undefined) {
    const unitId = options.unitId;
    q = q.where((eb) =>
      eb.exists(eb.selectFrom('task_units').select('task_units.task_id').whereRef('task_units.task_id', '=', 'tasks.id').where('task_units.unit_id', '=', unitId)),
    );
  }
  const rows = await q.orderBy('ordinal').orderBy('id').execute();
  return rows.map((r) => ({ ...r, ordinal: Number(r.ordinal), latest_percent: r.latest_percent === null ? null : Number(r.latest_percent) }));
}

/** Snapshots of the given tasks (for the few whose stored machine version needs an upgrade first). */
export async function getTaskSnapshots(db: DbOrTrx, ids: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (let i = 0; i < ids.length; i += 500) {
    for (const r of await db.selectFrom('tasks').select(['id', 'snapshot']).where('id', 'in', ids.slice(i, i + 500)).execute()) out.set(r.id, r.snapshot);
  }
  return out;
}
