import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration uses Kysely<any>, never the application's Database type.
/* eslint-disable @typescript-eslint/no-explicit-any */

// The dashboard counted in SQL (issue 15: its first call at 1M tasks took 20 s computing every open
// task's marks in JavaScript). Every mark becomes a comparison of a column with a date of today
// (repositories/dashboard.ts), and one mark that was not a column becomes one:
//
//   tasks.behind_from   the first day the task's reported percent trails its handle window's elapsed
//                       share by more than the tolerance ("进度滞后"); null: never. Written with the
//                       stage, the due date and the percent (the API's task-facts.ts).
//
// Indexes, each for one query shape:
//   open tasks by (plan, due date, document order) with every column a mark reads — a plan's bucket
//     counts and lists read the index alone;
//   tasks with a due date by (due date, document order) with the same columns — the most urgent
//     tasks over all plans, in order, from the index;
//   open tasks without a due date in document order — they come last in every list;
//   unsigned tasks by the instant they reached their unit — 签收超时, most overdue first — and by due
//     date — the unsigned part of 应发蓝色督办单.
// The partial conditions are literals the queries repeat (SQLite uses a partial index only then).
const MARK_COLUMNS = ['stage', 'status', 'behind_from', 'last_report_period', 'lead_unit_id', 'reached_unit_at', 'created_at'];

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tasks').addColumn('behind_from', 'text').execute();
  await backfill(db);
  await db.schema
    .createIndex('tasks_open_plan_marks_idx')
    .on('tasks')
    .columns(['plan_id', 'effective_due_date', 'ordinal', 'id', ...MARK_COLUMNS])
    .where(sql<boolean>`stage not in ('done', 'terminated')`)
    .execute();
  await db.schema
    .createIndex('tasks_due_marks_idx')
    .on('tasks')
    .columns(['effective_due_date', 'plan_id', 'ordinal', 'id', ...MARK_COLUMNS])
    .where(sql<boolean>`effective_due_date is not null`)
    .execute();
  await db.schema
    .createIndex('tasks_open_undated_idx')
    .on('tasks')
    .columns(['plan_id', 'ordinal', 'id'])
    .where(sql<boolean>`effective_due_date is null and stage not in ('done', 'terminated')`)
    .execute();
  await sql`create index tasks_unsigned_reached_idx on tasks (coalesce(reached_unit_at, created_at), plan_id, ordinal, id, effective_due_date) where stage = 'deploy' and status = 'signing'`.execute(
    db,
  );
  await db.schema
    .createIndex('tasks_unsigned_due_idx')
    .on('tasks')
    .columns(['effective_due_date', 'plan_id', 'ordinal', 'id', 'reached_unit_at', 'created_at'])
    .where(sql<boolean>`stage = 'deploy' and status = 'signing'`)
    .execute();
}

// The rule as of this migration (the API's supervision/marks.ts progressBehindFrom), in Beijing time.
const TOLERANCE = 20;
const DAY = 86_400_000;
const beijingDay = (iso: string) => new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 10);
const lastDayOf = (month: string) => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
};

function frozenBehindFrom(start: string, due: string | null, percent: number): string | null {
  if (due === null || due <= start || percent + TOLERANCE + 1 > 100) return null;
  const s = Date.parse(`${start}T00:00:00Z`);
  const total = (Date.parse(`${due}T00:00:00Z`) - s) / DAY;
  for (let k = 0; k <= total; k++) {
    if (Math.round((k / total) * 100) >= percent + TOLERANCE + 1) return new Date(s + k * DAY).toISOString().slice(0, 10);
  }
  return null;
}

async function backfill(db: Kysely<any>): Promise<void> {
  const plans = (await db.selectFrom('tasks').select('plan_id').distinct().where('stage', '=', 'handle').where('latest_percent', 'is not', null).execute()) as {
    plan_id: string;
  }[];
  for (const { plan_id } of plans) {
    const phases = (await db.selectFrom('phases').select(['stage', 'start_month', 'end_month']).where('plan_id', '=', plan_id).execute()) as {
      stage: string | null;
      start_month: string | null;
      end_month: string | null;
    }[];
    let handleEnd: string | null = null;
    let handleStart: string | null = null;
    for (const p of phases) {
      if (p.stage !== 'handle') continue;
      if (p.end_month !== null && (handleEnd === null || lastDayOf(p.end_month) > handleEnd)) handleEnd = lastDayOf(p.end_month);
      if (p.start_month !== null && (handleStart === null || `${p.start_month}-01` < handleStart)) handleStart = `${p.start_month}-01`;
    }
    const tasks = (await db
      .selectFrom('tasks')
      .select(['id', 'due_date', 'created_at', 'entered_stage_at', 'latest_percent'])
      .where('plan_id', '=', plan_id)
      .where('stage', '=', 'handle')
      .where('latest_percent', 'is not', null)
      .execute()) as { id: string; due_date: string | null; created_at: string; entered_stage_at: string | null; latest_percent: number | string }[];
    for (const t of tasks) {
      const start = t.entered_stage_at !== null ? beijingDay(t.entered_stage_at) : (handleStart ?? beijingDay(t.created_at));
      const from = frozenBehindFrom(start, t.due_date ?? handleEnd, Number(t.latest_percent));
      if (from !== null) await db.updateTable('tasks').set({ behind_from: from }).where('id', '=', t.id).execute();
    }
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('tasks_unsigned_due_idx').execute();
  await sql`drop index tasks_unsigned_reached_idx`.execute(db);
  await db.schema.dropIndex('tasks_open_undated_idx').execute();
  await db.schema.dropIndex('tasks_due_marks_idx').execute();
  await db.schema.dropIndex('tasks_open_plan_marks_idx').execute();
  await db.schema.alterTable('tasks').dropColumn('behind_from').execute();
}
