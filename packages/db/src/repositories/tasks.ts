import { sql, type SelectQueryBuilder } from 'kysely';
import type { DbOrTrx } from '../executor.js';
import { likeContains } from '../dialect.js';
import { preparedQuery, type PreparedQuery } from '../prepared.js';
import { newId, nowIso, parseJson, toJson } from '../ids.js';
import type { Database, NewTaskUnitRow, TaskRow, TaskStage, TaskUnitRelation, TaskUnitRow, TasksTable, TaskUpdate } from '../tables/index.js';

/** A task with its JSON columns parsed. `snapshot` stays the stored JSON text (rehydrate it yourself). */
export type Task = Omit<TaskRow, 'path' | 'targets'> & { path: string[]; targets: unknown[] };

/** A task as lists read it: every column but the snapshot (co-units: listTaskCoUnits; the lifecycle's facts are columns). */
export type TaskListItem = Omit<Task, 'snapshot'>;

/** Every task column but the snapshot, which a list neither needs nor should carry (a few KB a row). */
const LIST_COLUMNS = [
  'id', 'plan_id', 'ordinal', 'path', 'heading', 'text', 'lead_unit_id', 'deadline_text', 'due_date', 'targets',
  'stage', 'status', 'round', 'machine_version', 'open_notices', 'extension_requested', 'parent_id', 'depth',
  'supervisor_unit_id', 'waived', 'version', 'created_at', 'updated_at', 'effective_due_date', 'entered_stage_at',
  'reached_unit_at', 'completed_at', 'completed_on', 'latest_percent', 'last_report_period', 'resolution_class',
  'terminated_from_stage', 'behind_from',
] as const satisfies readonly Exclude<keyof TasksTable, 'snapshot'>[];
/** A column added to the table and not to LIST_COLUMNS fails to compile here. */
const listColumnsComplete: [Exclude<keyof TasksTable, 'snapshot' | (typeof LIST_COLUMNS)[number]>] extends [never] ? true : never = true;
void listColumnsComplete;

export interface NewTask {
  id?: string;
  plan_id: string;
  ordinal: number;
  path?: string[];
  heading?: string | null;
  text: string;
  lead_unit_id?: string | null;
  deadline_text?: string | null;
  due_date?: string | null;
  targets?: unknown[];
  stage: TaskStage;
  status: string;
  round?: number;
  /** the persisted XState snapshot: an object (stringified here) or JSON text */
  snapshot: unknown;
  machine_version: number;
  created_at?: string;
  /** co-units; the lead unit gets its 'lead' row automatically */
  co_unit_ids?: string[];
  /** 分解: the task this one is split from, its depth (parent's + 1) and the supervising unit */
  parent_id?: string | null;
  depth?: number;
  supervisor_unit_id?: string | null;
  /** the first stage's due date by the API's deadline rule (services/deadlines.ts effectiveDueDate) */
  effective_due_date?: string | null;
}

export function toTask<R extends Pick<TaskRow, 'path' | 'targets'>>(row: R): Omit<R, 'path' | 'targets'> & { path: string[]; targets: unknown[] } {
  return {
    ...row,
    path: parseJson<string[]>(row.path, []),
    targets: parseJson<unknown[]>(row.targets, []),
  };
}

function snapshotText(snapshot: unknown): string {
  return typeof snapshot === 'string' ? snapshot : JSON.stringify(snapshot);
}

const INSERT_CHUNK = 100;

/** Inserts tasks and their task_units rows (call inside a transaction). Returns them in input order. */
export async function insertTasks(db: DbOrTrx, tasks: readonly NewTask[]): Promise<Task[]> {
  const out: Task[] = [];
  for (let i = 0; i < tasks.length; i += INSERT_CHUNK) {
    const chunk = tasks.slice(i, i + INSERT_CHUNK);
    const values = chunk.map((t) => {
      const at = t.created_at ?? nowIso();
      return {
        id: t.id ?? newId(),
        plan_id: t.plan_id,
        ordinal: t.ordinal,
        path: toJson(t.path ?? []),
        heading: t.heading ?? null,
        text: t.text,
        lead_unit_id: t.lead_unit_id ?? null,
        deadline_text: t.deadline_text ?? null,
        due_date: t.due_date ?? null,
        targets: toJson(t.targets ?? []),
        stage: t.stage,
        status: t.status,
        round: t.round ?? 1,
        snapshot: snapshotText(t.snapshot),
        machine_version: t.machine_version,
        // a part only: a plan's own tasks keep the column defaults (depth 1, no parent)
        ...(t.parent_id != null ? { parent_id: t.parent_id, depth: t.depth ?? 2, supervisor_unit_id: t.supervisor_unit_id ?? null } : {}),
        version: 1,
        created_at: at,
        updated_at: at,
        // facts (migration 2026_12_04_0100): entered_stage_at / reached_unit_at null = created_at
        ...(t.effective_due_date !== undefined ? { effective_due_date: t.effective_due_date } : {}),
      };
    });
    const rows = await db.insertInto('tasks').values(values).returningAll().execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    const unitRows: NewTaskUnitRow[] = [];
    chunk.forEach((t, k) => {
      const id = values[k]!.id;
      const seen = new Set<string>();
      if (t.lead_unit_id) {
        unitRows.push({ task_id: id, unit_id: t.lead_unit_id, relation: 'lead', ordinal: 0 });
        seen.add(t.lead_unit_id);
      }
      let ordinal = 0;
      for (const u of t.co_unit_ids ?? []) {
        if (seen.has(u)) continue;
        seen.add(u);
        // contribution_status defaults to pending: a new task's co-units all owe their part;
        // ordinal: the co-units' order as given (the snapshot's context.coUnitIds)
        unitRows.push({ task_id: id, unit_id: u, relation: 'co', ordinal: ordinal++ });
      }
    });
    // The ordinal column is named only when a row's is not its default 0 (a task with two co-units
    // or more), so that simpler tasks can still be written to a database migrated to an earlier
    // version (the migrations' tests seed such databases).
    const ordered = unitRows.some((r) => r.ordinal !== 0);
    const rowsToWrite = ordered ? unitRows : unitRows.map(({ ordinal: _ordinal, ...r }) => r);
    if (rowsToWrite.length > 0) await db.insertInto('task_units').values(rowsToWrite).execute();
    for (const v of values) out.push(toTask(byId.get(v.id)!));
  }
  return out;
}

const taskById = preparedQuery((db, p: { id: string }) => db.selectFrom('tasks').selectAll().where('id', '=', p.id));

export async function getTask(db: DbOrTrx, id: string): Promise<Task | undefined> {
  const [row] = await taskById.execute(db, { id });
  return row && toTask(row);
}

/** The tasks of these ids as lists read them (no snapshot; unknown ids left out, in no order), 500 ids per query. */
export async function getTaskListItemsByIds(db: DbOrTrx, ids: readonly string[]): Promise<TaskListItem[]> {
  const out: TaskListItem[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db.selectFrom('tasks').select([...LIST_COLUMNS]).where('id', 'in', ids.slice(i, i + 500)).execute();
    for (const row of rows) out.push(toTask(row));
  }
  return out;
}

const unitHoldsTaskQuery = preparedQuery((db, p: { unitId: string; taskId: string }) =>
  db.selectFrom('task_units').select('task_id').where('unit_id', '=', p.unitId).where('task_id', '=', p.taskId),
);

/** Whether the unit is the task's lead or one of its co-units (a task_units row). */
export async function unitHoldsTask(db: DbOrTrx, unitId: string, taskId: string): Promise<boolean> {
  return (await unitHoldsTaskQuery.execute(db, { unitId, taskId })).length > 0;
}

/** The tasks of these ids (unknown ids left out), 500 ids per query: a bound parameter list stays far below either dialect's limit. */
export async function getTasksByIds(db: DbOrTrx, ids: readonly string[]): Promise<Task[]> {
  const out: Task[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db.selectFrom('tasks').selectAll().where('id', 'in', ids.slice(i, i + 500)).execute();
    for (const row of rows) out.push(toTask(row));
  }
  return out;
}

export interface TaskCursor {
  planId: string;
  ordinal: number;
  id: string;
}

export function encodeTaskCursor(c: TaskCursor): string {
  return Buffer.from(JSON.stringify([c.planId, c.ordinal, c.id]), 'utf8').toString('base64url');
}

export function decodeTaskCursor(cursor: string): TaskCursor {
  const v = parseJson<unknown>(Buffer.from(cursor, 'base64url').toString('utf8'), null);
  if (!Array.isArray(v) || typeof v[0] !== 'string' || typeof v[1] !== 'number' || typeof v[2] !== 'string') {
    throw new Error('invalid task cursor');
  }
  return { planId: v[0], ordinal: v[1], id: v[2] };
}

export interface TaskFilters {
  planId?: string;
  stage?: TaskStage | readonly TaskStage[];
  status?: string;
  /** tasks this unit holds, as lead or co */
  unitId?: string;
  /** tasks this unit leads */
  leadUnitId?: string;
  /** 分解: the parts this unit split and reviews */
  supervisorUnitId?: string | null;
  /** 分解: the parts of this task */
  parentId?: string;
  /** only a plan's own tasks, not the parts split from them */
  topLevel?: boolean;
  /** tasks this unit co-handles, optionally only where its 协办意见 has one of these statuses */
  coUnit?: { unitId: string; contributionStatus?: readonly string[] };
  /** open and past the current stage's due date (effective_due_date < today) */
  overdue?: boolean;
  /** 'YYYY-MM-DD', required by `overdue`: today in the office's zone (the API's clock.ts; the db reads no clock) */
  today?: string;
  /** case-insensitive substring of text or heading */
  text?: string;
  /** only tasks with urges/instructions not yet acknowledged */
  urged?: boolean;
  /** only tasks whose extension request awaits a decision */
  extensionRequested?: boolean;
  /** only tasks this evaluator has (rated: true) or has not (false) rated in the task's current round */
  ratedBy?: { evaluatorId: string; rated: boolean };
  /** from the previous page's nextCursor */
  cursor?: string | null;
  limit: number;
}

export interface TaskPage {
  items: TaskListItem[];
  nextCursor: string | null;
}

/** The tasks matching the filters (no cursor, no order): shared by the list and its count. */
/**
 * The tasks matching `filters`. A unit filter is written two ways: for a page in document order,
 * `EXISTS` lets SQLite walk the order index and stop at the page's end; for a count, which reads
 * every match anyway, `tasks.id IN (the unit's task_units rows)` starts from that unit's rows
 * instead of visiting every task of the stage (我的待办's counts at 1M: seconds → milliseconds).
 */
function filteredTasks(db: DbOrTrx, filters: Omit<TaskFilters, 'limit' | 'cursor'>, use: 'page' | 'count' = 'page') {
  let q = db.selectFrom('tasks');
  if (filters.planId !== undefined) q = q.where('tasks.plan_id', '=', filters.planId);
  if (filters.stage !== undefined) {
    const stages: TaskStage[] = typeof filters.stage === 'string' ? [filters.stage] : [...filters.stage];
    q = stages.length === 0 ? q.where(sql<boolean>`1 = 0`) : q.where('tasks.stage', 'in', stages);
  }
  if (filters.status !== undefined) q = q.where('tasks.status', '=', filters.status);
  if (filters.leadUnitId !== undefined) q = q.where('tasks.lead_unit_id', '=', filters.leadUnitId);
  if (filters.supervisorUnitId === null) q = q.where('tasks.supervisor_unit_id', 'is', null);
  else if (filters.supervisorUnitId !== undefined) q = q.where('tasks.supervisor_unit_id', '=', filters.supervisorUnitId);
  if (filters.parentId !== undefined) q = q.where('tasks.parent_id', '=', filters.parentId);
  if (filters.topLevel === true) q = q.where('tasks.parent_id', 'is', null);
  else if (filters.topLevel === false) q = q.where('tasks.parent_id', 'is not', null);
  if (filters.unitId !== undefined) {
    const unitId = filters.unitId;
    q = q.where((eb) => {
      const rows = eb.selectFrom('task_units').select('task_units.task_id').where('task_units.unit_id', '=', unitId);
      return use === 'count' ? eb('tasks.id', 'in', rows) : eb.exists(rows.whereRef('task_units.task_id', '=', 'tasks.id'));
    });
  }
  if (filters.coUnit !== undefined) {
    const { unitId, contributionStatus } = filters.coUnit;
    q = q.where((eb) => {
      let rows = eb.selectFrom('task_units').select('task_units.task_id').where('task_units.unit_id', '=', unitId).where('task_units.relation', '=', 'co');
      if (contributionStatus !== undefined) rows = rows.where('task_units.contribution_status', 'in', [...contributionStatus]);
      return use === 'count' ? eb('tasks.id', 'in', rows) : eb.exists(rows.whereRef('task_units.task_id', '=', 'tasks.id'));
    });
  }
  if (filters.overdue === true) {
    // the deadline rule's date (null when closed), as the marks show it
    q = q.where(sql<boolean>`tasks.effective_due_date is not null`).where('tasks.effective_due_date', '<', requiredToday(filters.today));
  }
  // literals, not bound values, so SQLite can use the partial indexes of migration 0500
  if (filters.urged === true) q = q.where(sql<boolean>`tasks.open_notices > 0`);
  if (filters.extensionRequested === true) q = q.where(sql<boolean>`tasks.extension_requested = 1`);
  if (filters.ratedBy !== undefined) {
    const { evaluatorId, rated } = filters.ratedBy;
    q = q.where((eb) => {
      const rating = eb
        .selectFrom('ratings')
        .select('ratings.task_id')
        .whereRef('ratings.task_id', '=', 'tasks.id')
        .whereRef('ratings.round', '=', 'tasks.round')
        .where('ratings.evaluator_id', '=', evaluatorId);
      return rated ? eb.exists(rating) : eb.not(eb.exists(rating));
    });
  }
  if (filters.text !== undefined && filters.text.trim() !== '') {
    const text = filters.text.trim();
    q = q.where((eb) => eb.or([likeContains('tasks.text', text), likeContains('tasks.heading', text)]));
  }
  return q;
}

/** How many tasks match the filters, counted by the database. */
export async function countTasks(db: DbOrTrx, filters: Omit<TaskFilters, 'limit' | 'cursor'>): Promise<number> {
  const row = await filteredTasks(db, filters, 'count').select((eb) => eb.fn.countAll<number | string | bigint>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** One keyset page of `q` in document order (plan_id, ordinal, id): `limit` rows and the next page's cursor. */
async function pageInDocumentOrder<O extends { plan_id: string; ordinal: number; id: string }>(
  q: SelectQueryBuilder<Database, 'tasks', O>,
  filters: Pick<TaskFilters, 'cursor' | 'limit'>,
): Promise<{ rows: O[]; nextCursor: string | null }> {
  const limit = Math.max(1, Math.min(filters.limit, 1000));
  if (filters.cursor !== undefined && filters.cursor !== null) {
    const c = decodeTaskCursor(filters.cursor);
    q = q.where((eb) =>
      eb(eb.refTuple('tasks.plan_id', 'tasks.ordinal', 'tasks.id'), '>', eb.tuple(c.planId, c.ordinal, c.id)),
    );
  }
  const rows = await q
    .orderBy('tasks.plan_id')
    .orderBy('tasks.ordinal')
    .orderBy('tasks.id')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    rows: page,
    nextCursor:
      rows.length > limit && last !== undefined
        ? encodeTaskCursor({ planId: last.plan_id, ordinal: last.ordinal, id: last.id })
        : null,
  };
}

/** Tasks in document order (plan_id, ordinal, id), keyset-paginated; every column but the snapshot. */
export async function listTasks(db: DbOrTrx, filters: TaskFilters): Promise<TaskPage> {
  const page = await pageInDocumentOrder(filteredTasks(db, filters).select(LIST_COLUMNS.map((c) => `tasks.${c}` as const)), filters);
  return { items: page.rows.map(toTask), nextCursor: page.nextCursor };
}

/** A task's place in its plan's outline: what a document's layout needs, a few dozen bytes a task. */
export interface TaskOutline {
  id: string;
  plan_id: string;
  ordinal: number;
  parent_id: string | null;
  path: string[];
  heading: string | null;
}

/** The outline of the tasks matching the filters, in document order, keyset-paginated like listTasks (the same cursors). */
export async function listTaskOutlines(db: DbOrTrx, filters: TaskFilters): Promise<{ items: TaskOutline[]; nextCursor: string | null }> {
  const q = filteredTasks(db, filters).select(['tasks.id', 'tasks.plan_id', 'tasks.ordinal', 'tasks.parent_id', 'tasks.path', 'tasks.heading']);
  const page = await pageInDocumentOrder(q, filters);
  return { items: page.rows.map((r) => ({ ...r, path: parseJson<string[]>(r.path, []) })), nextCursor: page.nextCursor };
}

export interface TaskSnapshotUpdate {
  id: string;
  expectedVersion: number;
  /** the persisted XState snapshot: an object (stringified here) or JSON text */
  snapshot: unknown;
  /**
   * The state columns. Pass `current` (the row as read) and only those that differ are written:
   * SQLite rewrites every index holding a column named in SET even when its value is unchanged
   * (a task row carries some twenty indexes), so naming unchanged columns costs most of a move's write.
   */
  stage: TaskStage;
  status: string;
  round: number;
  /** the new snapshot's unacknowledged urges and pending extension request (list filters; omitted: unchanged) */
  openNotices?: number;
  extensionRequested?: boolean;
  /** the row as read before the move: columns equal to it are left out of the write */
  current?: Pick<TaskRow, 'stage' | 'status' | 'round' | 'open_notices' | 'extension_requested' | 'lead_unit_id' | 'due_date' | 'machine_version'> &
    Partial<TaskFactsUpdate>;
  /** a new lead unit (reassignment): also moves the 'lead' row in task_units; the old lead is dropped */
  leadUnitId?: string | null;
  /** a new due date (extension granted) */
  dueDate?: string | null;
  /** 分解: the splitter waived this part (WAIVE_PART) */
  waived?: boolean;
  machineVersion?: number;
  updatedAt?: string;
  /** facts the move changed (the API's transitionTask decides them; omitted: unchanged) */
  facts?: TaskFactsUpdate;
}

/** The fact columns a move may write (migration 2026_12_04_0100). */
export type TaskFactsUpdate = Partial<
  Pick<
    TaskRow,
    | 'effective_due_date'
    | 'entered_stage_at'
    | 'reached_unit_at'
    | 'completed_at'
    | 'completed_on'
    | 'latest_percent'
    | 'last_report_period'
    | 'resolution_class'
    | 'terminated_from_stage'
    | 'behind_from'
  >
>;

/** The versioned write of a task's state, one compiled statement per set of columns written. */
const snapshotWrites = new Map<string, PreparedQuery<Record<string, unknown>, { version: number }>>();
function snapshotWriteOf(columns: readonly (keyof TaskUpdate & string)[]) {
  const key = columns.join(',');
  let write = snapshotWrites.get(key);
  if (write === undefined) {
    write = preparedQuery((db, p: Record<string, unknown>) =>
      db
        .updateTable('tasks')
        .set((eb) => ({
          ...(Object.fromEntries(columns.map((c) => [c, p[c]])) as TaskUpdate),
          snapshot: p.snapshot as string,
          updated_at: p.updated_at as string,
          version: eb('version', '+', 1),
        }))
        .where('id', '=', p.id as string)
        .where('version', '=', p.expected_version as number)
        .returning('version'),
    );
    snapshotWrites.set(key, write);
  }
  return write;
}

/**
 * Optimistic-concurrency write of a task's state: `update … where id = ? and version = ?
 * returning version`. Returns the new version, or null on a conflict (nothing is changed).
 */
export async function updateTaskSnapshot(db: DbOrTrx, u: TaskSnapshotUpdate): Promise<number | null> {
  const cur = u.current;
  const changes: TaskUpdate = {
    stage: u.stage,
    status: u.status,
    round: u.round,
    ...(u.openNotices !== undefined ? { open_notices: u.openNotices } : {}),
    ...(u.extensionRequested !== undefined ? { extension_requested: u.extensionRequested ? 1 : 0 } : {}),
    ...(u.leadUnitId !== undefined ? { lead_unit_id: u.leadUnitId } : {}),
    ...(u.dueDate !== undefined ? { due_date: u.dueDate } : {}),
    ...(u.waived !== undefined ? { waived: u.waived ? 1 : 0 } : {}),
    ...(u.machineVersion !== undefined ? { machine_version: u.machineVersion } : {}),
    ...u.facts,
  };
  for (const column of Object.keys(changes) as (keyof TaskUpdate)[]) {
    const unchanged = cur !== undefined && column in cur && cur[column as keyof typeof cur] === changes[column];
    if (unchanged || changes[column] === undefined) delete changes[column];
  }
  const [row] = await snapshotWriteOf(Object.keys(changes) as (keyof TaskUpdate & string)[]).execute(db, {
    ...changes,
    snapshot: snapshotText(u.snapshot),
    updated_at: u.updatedAt ?? nowIso(),
    id: u.id,
    expected_version: u.expectedVersion,
  });
  if (row === undefined) return null;
  if (u.leadUnitId !== undefined && (cur === undefined || cur.lead_unit_id !== u.leadUnitId)) {
    await db.deleteFrom('task_units').where('task_id', '=', u.id).where('relation', '=', 'lead').execute();
    if (u.leadUnitId !== null) await setTaskUnit(db, u.id, u.leadUnitId, 'lead');
  }
  return row.version;
}

/** A task's units, lead first (a co-unit's place among them: listTaskCoUnits). */
export async function listTaskUnits(db: DbOrTrx, taskId: string): Promise<Omit<TaskUnitRow, 'ordinal'>[]> {
  return db
    .selectFrom('task_units')
    .select(['task_id', 'unit_id', 'relation', 'contribution_status'])
    .where('task_id', '=', taskId)
    .orderBy('relation', 'desc')
    .orderBy('unit_id')
    .execute();
}

/** Writes co-units' 协办意见 statuses (from the snapshot a move produced) onto their task_units rows. */
export async function setContributionStatuses(db: DbOrTrx, taskId: string, statuses: Record<string, string>): Promise<void> {
  for (const [unitId, status] of Object.entries(statuses)) {
    await db
      .updateTable('task_units')
      .set({ contribution_status: status })
      .where('task_id', '=', taskId)
      .where('unit_id', '=', unitId)
      .where('relation', '=', 'co')
      .execute();
  }
}

/** Adds a unit to a task or changes its relation (and, given, a co-unit's place among the task's co-units). */
export async function setTaskUnit(db: DbOrTrx, taskId: string, unitId: string, relation: TaskUnitRelation, ordinal?: number): Promise<void> {
  const place = ordinal !== undefined ? { ordinal } : {};
  await db
    .insertInto('task_units')
    .values({ task_id: taskId, unit_id: unitId, relation, ...place })
    .onConflict((oc) => oc.columns(['task_id', 'unit_id']).doUpdateSet({ relation, ...place }))
    .execute();
}

/**
 * The co-units of these tasks with their names, each task's in its order (the order the plan names
 * them; `order: 'unit_id'`: by unit id, the 台账's order), 500 tasks per query: what a list shows as
 * 责任单位, without the tasks' snapshots. A task without co-units is absent; a unit no longer in the
 * registry comes with a null name.
 */
export async function listTaskCoUnits(
  db: DbOrTrx,
  taskIds: readonly string[],
  options: { order?: 'place' | 'unit_id' } = {},
): Promise<Map<string, { id: string; name: string | null }[]>> {
  const out = new Map<string, { id: string; name: string | null }[]>();
  for (let i = 0; i < taskIds.length; i += 500) {
    let q = db
      .selectFrom('task_units')
      .leftJoin('units', 'units.id', 'task_units.unit_id')
      .select(['task_units.task_id', 'task_units.unit_id', 'units.name'])
      .where('task_units.task_id', 'in', taskIds.slice(i, i + 500))
      .where('task_units.relation', '=', 'co')
      .orderBy('task_units.task_id');
    if (options.order !== 'unit_id') q = q.orderBy('task_units.ordinal');
    const rows = await q.orderBy('task_units.unit_id').execute();
    for (const r of rows) {
      const list = out.get(r.task_id);
      const unit = { id: r.unit_id, name: r.name };
      if (list === undefined) out.set(r.task_id, [unit]);
      else list.push(unit);
    }
  }
  return out;
}

export async function removeTaskUnit(db: DbOrTrx, taskId: string, unitId: string): Promise<boolean> {
  const r = await db.deleteFrom('task_units').where('task_id', '=', taskId).where('unit_id', '=', unitId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** The relation of a unit to a task, or undefined when the unit does not hold it. */
export async function getTaskUnitRelation(
  db: DbOrTrx,
  taskId: string,
  unitId: string,
): Promise<TaskUnitRelation | undefined> {
  const r = await db
    .selectFrom('task_units')
    .select('relation')
    .where('task_id', '=', taskId)
    .where('unit_id', '=', unitId)
    .executeTakeFirst();
  return r?.relation;
}

/** The database reads no clock: "today" comes from the caller (in the office's zone). */
function requiredToday(today: string | undefined): string {
  if (today === undefined) throw new Error('listTasks: `overdue` needs `today`');
  return today;
}

/** 分解: a task's ancestors, nearest first (the chain of parent_id). */
export async function listTaskAncestors(db: DbOrTrx, taskId: string): Promise<Pick<TaskRow, 'id' | 'parent_id' | 'supervisor_unit_id' | 'lead_unit_id'>[]> {
  const out: Pick<TaskRow, 'id' | 'parent_id' | 'supervisor_unit_id' | 'lead_unit_id'>[] = [];
  let parentId = (await db.selectFrom('tasks').select('parent_id').where('id', '=', taskId).executeTakeFirst())?.parent_id ?? null;
  // A chain, not a graph: parent_id is set once, at creation, to an existing task.
  while (parentId !== null && out.length < 64) {
    const row = await db.selectFrom('tasks').select(['id', 'parent_id', 'supervisor_unit_id', 'lead_unit_id']).where('id', '=', parentId).executeTakeFirst();
    if (row === undefined) break;
    out.push(row);
    parentId = row.parent_id;
  }
  return out;
}

/** 分解: the parts of these tasks (one level), in creation order. */
export async function listTaskParts(db: DbOrTrx, parentIds: readonly string[]): Promise<Task[]> {
  if (parentIds.length === 0) return [];
  const rows = await db.selectFrom('tasks').selectAll().where('parent_id', 'in', [...parentIds]).orderBy('ordinal').orderBy('id').execute();
  return rows.map(toTask);
}

/** The next free ordinal in a plan: parts are numbered after the plan's own tasks. */
export async function nextTaskOrdinal(db: DbOrTrx, planId: string): Promise<number> {
  const row = await db.selectFrom('tasks').select((eb) => eb.fn.max('ordinal').as('max')).where('plan_id', '=', planId).executeTakeFirst();
  return Number(row?.max ?? 0) + 1;
}
