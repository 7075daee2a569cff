// The supervision dashboard counted and listed in SQL. Each bucket is a comparison of task columns
// with dates of today that the API's deadline rule computes (`DashboardRanges`; apps/api
// services/deadlines.ts markBounds, supervision/marks.ts): no task's marks are computed to count
// them. The API's marks of a single task agree with these predicates for every task
// (apps/api/src/services/supervision/dashboard.test.ts checks one against the other).
import { sql, type RawBuilder } from 'kysely';
import type { DbOrTrx } from '../executor.js';

/** Today's marks as ranges of the columns they read. */
export interface DashboardRanges {
  /** deadline red: effective_due_date < today */
  today: string;
  /** deadline yellow: today <= effective_due_date < dueSoonBefore */
  dueSoonBefore: string;
  /** signing red: unsigned, and reached its unit (ISO instant) before this */
  signOverdueBefore: string;
  /** signing yellow or red: unsigned, and reached its unit before this */
  signNearBefore: string;
  /** this month 'YYYY-MM': a handle task led by a unit without a report for it misses the monthly report */
  month: string;
  /** past the monthly report day: a missing report makes a handle task behind */
  reportsLate: boolean;
}

export const DASHBOARD_BUCKETS = ['open', 'red', 'yellow', 'behind', 'noReport', 'signLate', 'noticeRed', 'noticeYellow', 'noticeBlue'] as const;
export type DashboardBucket = (typeof DASHBOARD_BUCKETS)[number];
export type DashboardCounts = Record<DashboardBucket, number>;

// Literal, as the partial indexes of migration 2026_12_06_0100 say it.
/** An open task (not 办结, not terminated). */
export const OPEN = sql<boolean>`tasks.stage not in ('done', 'terminated')`;
const REACHED = sql<string>`coalesce(tasks.reached_unit_at, tasks.created_at)`;

/** 月调度: a handle task led by a unit without a report for `month` (the API's deadlines.ts missesMonthlyReport). */
export function missesMonthlyReportSql(month: string): RawBuilder<boolean> {
  return sql<boolean>`(tasks.stage = 'handle' and tasks.lead_unit_id is not null and coalesce(tasks.last_report_period, '') < ${month})`;
}

/** Past its current stage's due date (deadline red, on an open task). */
function pastDueSql(today: string): RawBuilder<boolean> {
  return sql<boolean>`(tasks.effective_due_date is not null and tasks.effective_due_date < ${today})`;
}

/** Overdue: an open task past its current stage's due date. */
export function overdueSql(today: string): RawBuilder<boolean> {
  return sql<boolean>`(${OPEN} and ${pastDueSql(today)})`;
}

/** Each bucket's condition on an open task. Every part is true or false, never NULL, so NOT is safe. */
function predicates(r: DashboardRanges): Record<DashboardBucket, RawBuilder<boolean>> {
  const red = pastDueSql(r.today);
  const yellow = sql<boolean>`(tasks.effective_due_date is not null and tasks.effective_due_date >= ${r.today} and tasks.effective_due_date < ${r.dueSoonBefore})`;
  const unsigned = sql<boolean>`(tasks.stage = 'deploy' and tasks.status = 'signing')`;
  const signRed = sql<boolean>`(${unsigned} and ${REACHED} < ${r.signOverdueBefore})`;
  const signNear = sql<boolean>`(${unsigned} and ${REACHED} < ${r.signNearBefore})`;
  const noReport = missesMonthlyReportSql(r.month);
  const lateReport = r.reportsLate ? noReport : sql<boolean>`(1 = 0)`;
  const behind = sql<boolean>`(tasks.stage = 'handle' and not ${red} and (${lateReport} or (tasks.behind_from is not null and tasks.behind_from <= ${r.today})))`;
  const noticeRed = sql<boolean>`(${red} or ${signRed})`;
  return {
    open: sql<boolean>`(1 = 1)`,
    red,
    yellow,
    behind,
    noReport,
    signLate: signNear,
    noticeRed,
    noticeYellow: sql<boolean>`(not ${noticeRed} and ${behind})`,
    noticeBlue: sql<boolean>`(not ${noticeRed} and not ${behind} and (${yellow} or ${signNear}))`,
  };
}

export interface DashboardScope {
  planId?: string | undefined;
  /** tasks the unit holds (lead or co) */
  unitId?: string | undefined;
}

function scoped(scope: DashboardScope & { planIds?: readonly string[] }): RawBuilder<boolean>[] {
  const where: RawBuilder<boolean>[] = [];
  if (scope.planId !== undefined) where.push(sql<boolean>`tasks.plan_id = ${scope.planId}`);
  if (scope.planIds !== undefined) where.push(sql<boolean>`tasks.plan_id in (${sql.join(scope.planIds)})`);
  if (scope.unitId !== undefined) where.push(sql<boolean>`tasks.id in (select task_units.task_id from task_units where task_units.unit_id = ${scope.unitId})`);
  return where;
}

const and = (parts: RawBuilder<boolean>[]) => sql.join(parts, sql` and `);

const zero = (): DashboardCounts => Object.fromEntries(DASHBOARD_BUCKETS.map((b) => [b, 0])) as DashboardCounts;

/** Each plan's bucket counts over its open tasks in scope (every plan asked for, zeros included). */
export async function countDashboardBuckets(
  db: DbOrTrx,
  scope: { planIds: readonly string[]; unitId?: string | undefined },
  r: DashboardRanges,
): Promise<Map<string, DashboardCounts>> {
  const out = new Map(scope.planIds.map((id) => [id, zero()]));
  if (scope.planIds.length === 0) return out;
  const p = predicates(r);
  const sums = sql.join(
    DASHBOARD_BUCKETS.map((b) => sql`sum(case when ${p[b]} then 1 else 0 end) as ${sql.ref(b)}`),
    sql`, `,
  );
  const { rows } = await sql<Record<string, unknown> & { plan_id: string }>`
    select tasks.plan_id as plan_id, ${sums} from tasks
    where ${and([OPEN, ...scoped(scope)])}
    group by tasks.plan_id`.execute(db);
  for (const row of rows) {
    out.set(row.plan_id, Object.fromEntries(DASHBOARD_BUCKETS.map((b) => [b, Number(row[b] ?? 0)])) as DashboardCounts);
  }
  return out;
}

/**
 * Where a bucket's dated tasks can lie, as ranges of the due-date index, so that a list reads the
 * index from there instead of from the earliest due date: a bucket that excludes the overdue starts
 * at today; 应发蓝色督办单 is the tasks due soon or unsigned (signing near), read as those two ranges.
 */
function datedRanges(bucket: DashboardBucket, r: DashboardRanges): RawBuilder<boolean>[] {
  switch (bucket) {
    case 'red':
      return [sql<boolean>`tasks.effective_due_date < ${r.today}`];
    case 'yellow':
      return [sql<boolean>`tasks.effective_due_date >= ${r.today} and tasks.effective_due_date < ${r.dueSoonBefore}`];
    case 'behind':
    case 'noticeYellow':
      return [sql<boolean>`tasks.effective_due_date >= ${r.today}`];
    case 'noticeBlue':
      return [
        sql<boolean>`tasks.effective_due_date >= ${r.today} and tasks.effective_due_date < ${r.dueSoonBefore}`,
        sql<boolean>`tasks.stage = 'deploy' and tasks.status = 'signing'`,
      ];
    default:
      return [sql<boolean>`(1 = 1)`];
  }
}

interface Ranked {
  id: string;
  effective_due_date: string;
  plan_id: string;
  ordinal: number | string;
}
const byUrgency = (a: Ranked, b: Ranked) =>
  a.effective_due_date < b.effective_due_date ? -1 : a.effective_due_date > b.effective_due_date ? 1 : a.plan_id < b.plan_id ? -1 : a.plan_id > b.plan_id ? 1 : Number(a.ordinal) - Number(b.ordinal) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The `limit` most urgent open tasks of a bucket in scope, as ids: nearest due date first (the most
 * overdue first), then document order, tasks without a due date last; 签收超时 by the instant the
 * task reached its unit (the longest waiting first).
 */
export async function listDashboardBucket(db: DbOrTrx, scope: DashboardScope, r: DashboardRanges, bucket: DashboardBucket, limit: number): Promise<string[]> {
  if (limit <= 0) return [];
  const where = [OPEN, predicates(r)[bucket], ...scoped(scope)];
  if (bucket === 'signLate') {
    const { rows } = await sql<{ id: string }>`
      select tasks.id as id from tasks
      where tasks.stage = 'deploy' and tasks.status = 'signing' and ${and(where)}
      order by ${REACHED}, tasks.plan_id, tasks.ordinal, tasks.id limit ${limit}`.execute(db);
    return rows.map((x) => x.id);
  }
  const parts = await Promise.all(
    datedRanges(bucket, r).map(async (range) => {
      const { rows } = await sql<Ranked>`
        select tasks.id as id, tasks.effective_due_date as effective_due_date, tasks.plan_id as plan_id, tasks.ordinal as ordinal from tasks
        where tasks.effective_due_date is not null and ${range} and ${and(where)}
        order by tasks.effective_due_date, tasks.plan_id, tasks.ordinal, tasks.id limit ${limit}`.execute(db);
      return rows;
    }),
  );
  const dated = parts.length === 1 ? (parts[0] ?? []) : [...new Map(parts.flat().map((x) => [x.id, x])).values()].sort(byUrgency).slice(0, limit);
  const ids = dated.map((x) => x.id);
  if (ids.length === limit) return ids;
  const { rows: undated } = await sql<{ id: string }>`
    select tasks.id as id from tasks
    where tasks.effective_due_date is null and ${and(where)}
    order by tasks.plan_id, tasks.ordinal, tasks.id limit ${limit - ids.length}`.execute(db);
  return [...ids, ...undated.map((x) => x.id)];
}
