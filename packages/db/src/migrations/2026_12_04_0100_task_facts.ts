import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../dialect.js';

// Frozen in time: this migration uses Kysely<any>, never the application's Database type.
/* eslint-disable @typescript-eslint/no-explicit-any */

// The facts the marks, the dashboard and the statistics need, as task columns and two small tables
// written by transitionTask in the same transaction as the move (issue 16). Before, they were
// re-derived from the audit log by parsing its `stage/status` strings, and "overdue" in SQL used
// tasks.due_date only while the marks also used the plan's phases.
//
//   tasks.effective_due_date   the current stage's due date (the task's 完成时限, else its plan's
//                              phase); null when closed or without one. SQL filters and counts
//                              compare it with today: the same date the marks use.
//   tasks.entered_stage_at     when the task entered its current stage
//   tasks.reached_unit_at      when the task reached its current lead unit (creation, last REASSIGN)
//   tasks.completed_at         when 办理 was first approved (left handle for inspect)
//   tasks.latest_percent       the latest reported percent
//   tasks.last_report_period   the latest month with a progress report ('YYYY-MM')
//   tasks.resolution_class     办理结果分类 A/B/C graded in the summary
//   tasks.terminated_from_stage the stage a terminated task was in
//   task_stage_stays           one row per stage left: (task, stage, entered_at, left_at)
//   task_returns               one row per return: a stage RETURN (the lead unit's work) or a
//                              RETURN_CONTRIBUTION (a co-unit's), with its reason category
//
// The backfill reads the audit log and snapshots once, here; nothing reads them for these facts
// afterwards. A co-unit's past returns carried no reason anywhere countable: they count as 'other'.
export async function up(db: Kysely<any>): Promise<void> {
  const dialect = dialectOf(db);
  for (const column of [
    'effective_due_date',
    'entered_stage_at',
    'reached_unit_at',
    'completed_at',
    'last_report_period',
    'resolution_class',
    'terminated_from_stage',
  ]) {
    await db.schema.alterTable('tasks').addColumn(column, 'text').execute();
  }
  await db.schema.alterTable('tasks').addColumn('latest_percent', 'integer').execute();

  await db.schema
    .createTable('task_stage_stays')
    .addColumn('task_id', 'text', (c) => c.notNull().references('tasks.id').onDelete('cascade'))
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('entered_at', 'text', (c) => c.notNull())
    .addColumn('left_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('task_stage_stays_task_idx').on('task_stage_stays').columns(['task_id', 'left_at']).execute();
  await db.schema
    .createTable('task_returns')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('task_id', 'text', (c) => c.notNull().references('tasks.id').onDelete('cascade'))
    .addColumn('unit_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('stage','contribution')`))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('task_returns_task_idx').on('task_returns').columns(['task_id', 'at']).execute();

  await backfill(db, dialect);

  // plan.list's overdue count and the overdue filter: open tasks with a due date, by plan and due date
  // (closed tasks have none, so the index holds only what those queries read).
  await db.schema
    .createIndex('tasks_open_plan_effective_due_idx')
    .on('tasks')
    .columns(['plan_id', 'effective_due_date', 'stage'])
    .where(sql.ref('effective_due_date'), 'is not', null)
    .execute();
  // replaced: it indexed due_date, which the overdue count no longer reads
  await db.schema.dropIndex('tasks_open_plan_due_idx').execute();
}

const stageOf = (dialect: 'sqlite' | 'postgres', col: string) =>
  dialect === 'postgres' ? `split_part(${col}, '/', 1)` : `substr(${col}, 1, instr(${col} || '/', '/') - 1)`;

async function backfill(db: Kysely<any>, dialect: 'sqlite' | 'postgres'): Promise<void> {
  const from = stageOf(dialect, 'a.from_state');
  const to = stageOf(dialect, 'a.to_state');
  const moves = `from audit_log a where a.task_id = tasks.id and a.outcome = 'ok' and a.action like 'task.%'`;
  const cls =
    dialect === 'postgres'
      ? `(snapshot::jsonb -> 'context' ->> 'resolutionClass')`
      : `json_extract(snapshot, '$.context.resolutionClass')`;
  await sql
    .raw(
      `update tasks set
        entered_stage_at = coalesce((select max(a.at) ${moves} and ${from} <> ${to}), created_at),
        reached_unit_at = coalesce((select max(a.at) ${moves} and a.action = 'task.REASSIGN'), created_at),
        completed_at = (select min(a.at) ${moves} and ${from} = 'handle' and ${to} = 'inspect'),
        terminated_from_stage = case when stage = 'terminated'
          then (select ${from} ${moves} and ${to} = 'terminated' order by a.seq desc limit 1) end,
        last_report_period = (select max(p.period) from progress_reports p where p.task_id = tasks.id),
        latest_percent = (select p.percent from progress_reports p where p.task_id = tasks.id and p.percent is not null
          order by p.created_at desc, p.id desc limit 1),
        resolution_class = ${cls}`,
    )
    .execute(db);

  // Stage stays: each stage-changing move closes the stay that the previous one (or creation) opened.
  const rows = await sql<{ task_id: string; created_at: string; at: string; from_stage: string; to_stage: string }>`
    select a.task_id, t.created_at, a.at, ${sql.raw(from)} as from_stage, ${sql.raw(to)} as to_stage
    from audit_log a join tasks t on t.id = a.task_id
    where a.outcome = 'ok' and a.action like 'task.%' and a.from_state is not null and a.to_state is not null
      and ${sql.raw(from)} <> ${sql.raw(to)}
    order by a.task_id, a.seq`.execute(db);
  const stays: { task_id: string; stage: string; entered_at: string; left_at: string }[] = [];
  let entered: { task: string; at: string } | null = null;
  for (const r of rows.rows) {
    if (entered === null || entered.task !== r.task_id) entered = { task: r.task_id, at: r.created_at };
    stays.push({ task_id: r.task_id, stage: r.from_stage, entered_at: entered.at, left_at: r.at });
    entered = { task: r.task_id, at: r.at };
  }
  for (let i = 0; i < stays.length; i += 500) await db.insertInto('task_stage_stays').values(stays.slice(i, i + 500)).execute();

  // Returns: a stage RETURN counts against the task's lead unit at the time; a contribution return
  // against the co-unit named in the record.
  const returns = await sql<{ seq: number | string; task_id: string; action: string; at: string; detail: string; lead_unit_id: string | null }>`
    select a.seq, a.task_id, a.action, a.at, a.detail, t.lead_unit_id
    from audit_log a join tasks t on t.id = a.task_id
    where a.outcome = 'ok' and a.action in ('task.RETURN', 'task.RETURN_CONTRIBUTION')
    order by a.seq`.execute(db);
  const out = returns.rows.map((r) => {
    let detail: { reason?: unknown; unitId?: unknown } = {};
    try {
      detail = JSON.parse(r.detail) as typeof detail;
    } catch {
      // a record without JSON detail: no reason, no unit
    }
    const contribution = r.action === 'task.RETURN_CONTRIBUTION';
    return {
      id: `backfill-${String(r.seq)}`,
      task_id: r.task_id,
      unit_id: contribution ? (typeof detail.unitId === 'string' ? detail.unitId : null) : r.lead_unit_id,
      kind: contribution ? 'contribution' : 'stage',
      reason: typeof detail.reason === 'string' ? detail.reason : 'other',
      at: r.at,
    };
  });
  for (let i = 0; i < out.length; i += 500) await db.insertInto('task_returns').values(out.slice(i, i + 500)).execute();

  await backfillEffectiveDue(db);
}

// The due-date rule as it stood on 2026-12-04 (apps/api/src/services/deadlines.ts), frozen here for
// the rows that exist now; every later write goes through the live rule in transitionTask.
const WORK = ['deploy', 'handle', 'inspect', 'summarize', 'evaluate'];
function lastDay(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}
function frozenDue(stage: string, dueDate: string | null, phases: { stage: string | null; end_month: string | null }[]): string | null {
  if (!WORK.includes(stage)) return null;
  const end = (s: string) => {
    const ends = phases.filter((p) => p.stage === s && p.end_month !== null).map((p) => p.end_month as string).sort();
    return ends.length ? lastDay(ends.at(-1) as string) : null;
  };
  const taskDue = dueDate ?? end('handle');
  if (stage === 'handle') return taskDue;
  const e = end(stage);
  if (e === null) return taskDue;
  if (stage === 'deploy') return taskDue !== null && taskDue < e ? taskDue : e;
  return taskDue !== null && taskDue > e ? taskDue : e;
}

async function backfillEffectiveDue(db: Kysely<any>): Promise<void> {
  const plans = await db.selectFrom('tasks').select('plan_id').distinct().execute();
  for (const { plan_id } of plans as { plan_id: string }[]) {
    const phases = (await db.selectFrom('phases').select(['stage', 'end_month']).where('plan_id', '=', plan_id).execute()) as {
      stage: string | null;
      end_month: string | null;
    }[];
    const groups = (await db
      .selectFrom('tasks')
      .select(['stage', 'due_date'])
      .where('plan_id', '=', plan_id)
      .where('stage', 'not in', ['done', 'terminated'])
      .groupBy(['stage', 'due_date'])
      .execute()) as { stage: string; due_date: string | null }[];
    for (const g of groups) {
      const due = frozenDue(g.stage, g.due_date, phases);
      if (due === null) continue;
      await db
        .updateTable('tasks')
        .set({ effective_due_date: due })
        .where('plan_id', '=', plan_id)
        .where('stage', '=', g.stage)
        .where((eb: any) => (g.due_date === null ? eb('due_date', 'is', null) : eb('due_date', '=', g.due_date)))
        .execute();
    }
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('tasks_open_plan_effective_due_idx').execute();
  await db.schema
    .createIndex('tasks_open_plan_due_idx')
    .on('tasks')
    .columns(['plan_id', 'due_date', 'stage'])
    .where(sql.ref('stage'), 'not in', sql`('done', 'terminated')`)
    .execute();
  await db.schema.dropTable('task_returns').execute();
  await db.schema.dropTable('task_stage_stays').execute();
  for (const column of [
    'latest_percent',
    'terminated_from_stage',
    'resolution_class',
    'last_report_period',
    'completed_at',
    'reached_unit_at',
    'entered_stage_at',
    'effective_due_date',
  ]) {
    await db.schema.alterTable('tasks').dropColumn(column).execute();
  }
}
