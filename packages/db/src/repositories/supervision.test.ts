import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit } from '../audit.js';
import { createTestDatabase } from '../testing.js';
import type { TestDatabase } from '../testing.js';
import { DIALECTS, seedPlanWithTasks, seedUnit, seedUser } from '../test-support.js';
import { createProgressReport } from './progress-reports.js';
import {
  answerNotice,
  countUnreadNotifications,
  createNoticeDraft,
  deleteNoticeDraft,
  finishJobRun,
  saveJobProgress,
  getJobRun,
  leaseJobRun,
  insertNotifications,
  issueNotice,
  latestProgressByTask,
  countNoticesByStatus,
  listNotices,
  listNoticesOfTasks,
  listNotifications,
  listTaskMoves,
  listTaskUnitLinks,
  markNotificationsRead,
  nextNoticeSeq,
} from './supervision.js';

describe.each(DIALECTS)('supervision repository (%s)', (dialect) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(dialect);
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('notifications: a user reads their own and their unit’s, pages, counts and marks read', async () => {
    const unit = await seedUnit(t.db);
    const other = await seedUnit(t.db);
    const user = await seedUser(t.db, 'liaison', unit.id);
    await insertNotifications(t.db, [
      { unit_id: unit.id, kind: 'deadline_red', title: 'A', created_at: '2026-10-01T00:00:00.000Z' },
      { user_id: user.id, kind: 'urge', title: 'B', created_at: '2026-10-02T00:00:00.000Z' },
      { unit_id: other.id, kind: 'urge', title: 'C', created_at: '2026-10-03T00:00:00.000Z' },
    ]);
    const to = { userId: user.id, unitId: unit.id };
    expect(await countUnreadNotifications(t.db, to)).toBe(2);
    const page1 = await listNotifications(t.db, to, { limit: 1 });
    expect(page1.items.map((n) => n.title)).toEqual(['B']);
    const page2 = await listNotifications(t.db, to, { limit: 1, cursor: page1.nextCursor });
    expect(page2.items.map((n) => n.title)).toEqual(['A']);
    expect(page2.nextCursor).toBeNull();
    expect(await markNotificationsRead(t.db, to, [page1.items[0]!.id], '2026-10-04T00:00:00.000Z')).toBe(1);
    expect(await countUnreadNotifications(t.db, to)).toBe(1);
    expect(await markNotificationsRead(t.db, to, null, '2026-10-04T00:00:00.000Z')).toBe(1);
    expect(await countUnreadNotifications(t.db, to)).toBe(0);
    expect(await countUnreadNotifications(t.db, { userId: 'nobody', unitId: other.id })).toBe(1);
    await expect(insertNotifications(t.db, [{ kind: 'x', title: 'nobody' }])).rejects.toThrow();
  });

  it('job runs: one lease per (job, day); a stale unfinished run is taken over with its progress; a finished one is never run again', async () => {
    const at = '2026-10-09T01:00:00.000Z';
    const later = '2026-10-09T01:10:00.000Z';
    expect(await leaseJobRun(t.db, 'test-job', '2026-10-09', 'p1', at, '2026-10-09T00:55:00.000Z')).toEqual({ kind: 'new' });
    // another process while p1 works (heartbeat within the lease): busy
    expect(await leaseJobRun(t.db, 'test-job', '2026-10-09', 'p2', at, '2026-10-09T00:55:00.000Z')).toEqual({ kind: 'busy' });
    expect(await saveJobProgress(t.db, 'test-job', '2026-10-09', 'p1', { cursor: 'c1', n: 3 }, at)).toBe(true);
    expect(await saveJobProgress(t.db, 'test-job', '2026-10-09', 'p2', { cursor: 'x' }, at)).toBe(false);
    // p1 stops saving (crashed); after the lease p2 takes over where it stopped, and p1 can no longer write
    expect(await leaseJobRun(t.db, 'test-job', '2026-10-09', 'p2', later, '2026-10-09T01:05:00.000Z')).toEqual({ kind: 'resumed', progress: JSON.stringify({ cursor: 'c1', n: 3 }) });
    expect(await saveJobProgress(t.db, 'test-job', '2026-10-09', 'p1', { cursor: 'c2' }, later)).toBe(false);
    expect(await finishJobRun(t.db, 'test-job', '2026-10-09', 'p1', { warnings: 1 }, later)).toBe(false);
    expect(await finishJobRun(t.db, 'test-job', '2026-10-09', 'p2', { warnings: 3 }, later)).toBe(true);
    expect(JSON.parse((await getJobRun(t.db, 'test-job', '2026-10-09'))!.detail)).toEqual({ warnings: 3 });
    expect(await leaseJobRun(t.db, 'test-job', '2026-10-09', 'p3', '2026-10-10T00:00:00.000Z', '2026-10-09T23:00:00.000Z')).toEqual({ kind: 'finished' });
    // another day is another run; of four processes racing for a stale run, one wins
    expect(await leaseJobRun(t.db, 'test-job', '2026-10-10', 'p1', at, at)).toEqual({ kind: 'new' });
    const results = await Promise.all([1, 2, 3, 4].map((k) => leaseJobRun(t.db, 'test-job', '2026-10-10', `q${k}`, later, later)));
    expect(results.filter((r) => r.kind === 'resumed')).toHaveLength(1);
    const raced = await Promise.all([1, 2, 3, 4].map((k) => leaseJobRun(t.db, 'race', '2026-10-12', `r${k}`, at, at)));
    expect(raced.filter((r) => r.kind === 'new')).toHaveLength(1);
  });

  it('督办单: numbered per year on issue, answered once, drafts deletable', async () => {
    const unit = await seedUnit(t.db);
    const office = await seedUser(t.db, 'office', null);
    const { tasks } = await seedPlanWithTasks(t.db, 2, () => ({ lead_unit_id: unit.id }));
    const year = 3000 + Math.floor(Math.random() * 5000);
    const a = await createNoticeDraft(t.db, { colour: 'red', task_id: tasks[0]!.id, unit_id: unit.id, facts: '逾期', reply_due: '2026-10-15' });
    const b = await createNoticeDraft(t.db, { colour: 'blue', task_id: tasks[1]!.id, unit_id: unit.id, facts: '临期', reply_due: '2026-10-15' });
    const c = await createNoticeDraft(t.db, { colour: 'yellow', task_id: tasks[1]!.id, unit_id: unit.id, facts: '滞后', reply_due: '2026-10-15' });
    expect(a.number).toBeNull();
    const ia = await issueNotice(t.db, a.id, { year, issued_by: office.id, at: '2026-10-09T01:00:00.000Z' });
    const ib = await issueNotice(t.db, b.id, { year, issued_by: office.id, at: '2026-10-09T01:00:00.000Z' });
    expect([ia?.number, ib?.number]).toEqual([`督办〔${year}〕第1号`, `督办〔${year}〕第2号`]);
    expect(await issueNotice(t.db, a.id, { year, issued_by: office.id, at: '2026-10-09T01:00:00.000Z' })).toBeNull();
    expect(await nextNoticeSeq(t.db, year + 1)).toBe(1);
    const answered = await answerNotice(t.db, a.id, { text: '已整改', answered_by: null, at: '2026-10-10T00:00:00.000Z' });
    expect(answered?.status).toBe('answered');
    expect(await answerNotice(t.db, a.id, { text: '再答', answered_by: null, at: '2026-10-10T00:00:00.000Z' })).toBeNull();
    expect(await deleteNoticeDraft(t.db, c.id)).toBe(true);
    expect(await deleteNoticeDraft(t.db, b.id)).toBe(false);
    expect((await listNotices(t.db, { unitId: unit.id, limit: 50 })).items.map((n) => n.status).sort()).toEqual(['answered', 'issued']);
    expect((await listNotices(t.db, { unitId: unit.id, status: 'issued', limit: 50 })).items.map((n) => n.id)).toEqual([b.id]);
  });

  it('督办单 lists: keyset pages newest first cover every notice once, per filter; counts per status and late; notices of many tasks', async () => {
    const unit = await seedUnit(t.db);
    const other = await seedUnit(t.db);
    const { tasks } = await seedPlanWithTasks(t.db, 3, () => ({ lead_unit_id: unit.id }));
    const { tasks: otherTasks } = await seedPlanWithTasks(t.db, 1, () => ({ lead_unit_id: other.id }));
    const year = 3000 + Math.floor(Math.random() * 5000);
    // 23 notices of the unit: several created at the same instant (the id breaks the tie), spread over three tasks
    const made = [];
    for (let i = 0; i < 23; i += 1) {
      const at = `2026-10-${String(1 + Math.floor(i / 3)).padStart(2, '0')}T08:00:00.000Z`;
      made.push(
        await createNoticeDraft(t.db, { colour: 'red', task_id: tasks[i % 3]!.id, unit_id: unit.id, facts: `第${i}份`, reply_due: i % 2 === 0 ? '2026-10-05' : '2026-10-20', created_at: at }),
      );
    }
    await createNoticeDraft(t.db, { colour: 'blue', task_id: otherTasks[0]!.id, unit_id: other.id, facts: '他单位', reply_due: '2026-10-05', created_at: '2026-10-30T00:00:00.000Z' });
    // 0–9 issued (5 of them due 5 October: late on the 10th), 10–14 answered, the rest drafts
    for (const n of made.slice(0, 15)) await issueNotice(t.db, n.id, { year, issued_by: null, at: '2026-10-09T00:00:00.000Z', reply_due: n.reply_due });
    for (const n of made.slice(10, 15)) await answerNotice(t.db, n.id, { text: '已办', answered_by: null, at: '2026-10-09T01:00:00.000Z' });
    const order = (rows: { created_at: string; id: string }[]) =>
      [...rows].sort((a, b) => (a.created_at === b.created_at ? (a.id < b.id ? 1 : -1) : a.created_at < b.created_at ? 1 : -1)).map((r) => r.id);
    const everyPage = async (filters: Parameters<typeof listNotices>[1]) => {
      const ids: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await listNotices(t.db, { ...filters, cursor });
        expect(page.items.length).toBeLessThanOrEqual(filters.limit);
        ids.push(...page.items.map((n) => n.id));
        cursor = page.nextCursor;
        pages += 1;
      } while (cursor !== null);
      return { ids, pages };
    };
    const rows = await t.db.selectFrom('supervision_notices').selectAll().where('unit_id', '=', unit.id).execute();
    const all = await everyPage({ unitId: unit.id, limit: 5 });
    expect(all).toEqual({ ids: order(rows), pages: 5 });
    expect(new Set(all.ids).size).toBe(23);
    expect((await everyPage({ unitId: unit.id, status: 'draft', limit: 3 })).ids).toEqual(order(rows.filter((r) => r.status === 'draft')));
    expect((await everyPage({ unitId: unit.id, status: ['issued', 'answered'], limit: 4 })).ids).toEqual(order(rows.filter((r) => r.status !== 'draft')));
    expect((await everyPage({ taskId: tasks[1]!.id, limit: 2 })).ids).toEqual(order(rows.filter((r) => r.task_id === tasks[1]!.id)));
    expect((await everyPage({ unitId: unit.id, status: [], limit: 2 })).ids).toEqual([]);
    // without a unit: this unit's notices in the same order among everyone's
    const everyone = await everyPage({ status: 'answered', limit: 7 });
    expect(everyone.ids.filter((id) => rows.some((r) => r.id === id))).toEqual(order(rows.filter((r) => r.status === 'answered')));
    // an exact last page has no next cursor
    expect((await listNotices(t.db, { unitId: unit.id, status: 'answered', limit: 5 })).nextCursor).toBeNull();
    await expect(listNotices(t.db, { limit: 5, cursor: 'not-a-cursor' })).rejects.toThrow('invalid notice cursor');

    expect(await countNoticesByStatus(t.db, { unitId: unit.id, today: '2026-10-10' })).toEqual({ draft: 8, issued: 10, answered: 5, late: 5 });
    expect(await countNoticesByStatus(t.db, { unitId: unit.id, today: '2026-10-05' })).toMatchObject({ late: 0 }); // due that day: not yet late
    expect(await countNoticesByStatus(t.db, { unitId: unit.id, status: ['issued', 'answered'], today: '2026-10-21' })).toEqual({ draft: 0, issued: 10, answered: 5, late: 10 });
    expect(await countNoticesByStatus(t.db, { unitId: other.id, today: '2026-10-10' })).toEqual({ draft: 1, issued: 0, answered: 0, late: 0 });
    const byTask = rows.filter((r) => r.task_id === tasks[0]!.id);
    expect(await countNoticesByStatus(t.db, { taskId: tasks[0]!.id, today: '2026-10-10' })).toEqual({
      draft: byTask.filter((r) => r.status === 'draft').length,
      issued: byTask.filter((r) => r.status === 'issued').length,
      answered: byTask.filter((r) => r.status === 'answered').length,
      late: byTask.filter((r) => r.status === 'issued' && r.reply_due < '2026-10-10').length,
    });
    await expect(countNoticesByStatus(t.db, { today: '10/10/2026' })).rejects.toThrow();

    // the notices of a long list of task ids (1 200 unknown ones around the real ones): read 500 ids per query
    const many = [...Array.from({ length: 600 }, (_, i) => `missing-${i}`), ...tasks.map((x) => x.id), ...Array.from({ length: 600 }, (_, i) => `absent-${i}`)];
    expect((await listNoticesOfTasks(t.db, many)).map((n) => n.id)).toEqual(order(rows));
    expect((await listNoticesOfTasks(t.db, many, { status: 'draft' })).map((n) => n.id)).toEqual(order(rows.filter((r) => r.status === 'draft')));
    expect(await listNoticesOfTasks(t.db, [])).toEqual([]);
  });

  it('reads task moves and the latest progress of each task', async () => {
    const { tasks } = await seedPlanWithTasks(t.db, 2);
    const [x, y] = tasks;
    await appendAudit(t.db, { action: 'task.SIGN', task_id: x!.id, from_state: 'deploy/signing', to_state: 'deploy/drafting' });
    await appendAudit(t.db, { action: 'task.RETURN', task_id: x!.id, outcome: 'refused' });
    await appendAudit(t.db, { action: 'auth.login' });
    const moves = await listTaskMoves(t.db, { taskIds: [x!.id, y!.id] });
    expect(moves.map((m) => m.action)).toEqual(['task.SIGN']);
    // stateChanges: only records that change the state (or lack one), and every RETURN
    await appendAudit(t.db, { action: 'task.URGE', task_id: x!.id, from_state: 'deploy/drafting', to_state: 'deploy/drafting' });
    await appendAudit(t.db, { action: 'task.RETURN', task_id: y!.id, from_state: 'deploy/submitted', to_state: 'deploy/submitted' });
    await appendAudit(t.db, { action: 'task.COMMENT', task_id: y!.id });
    expect((await listTaskMoves(t.db, { taskIds: [x!.id, y!.id] })).map((m) => m.action)).toEqual(['task.SIGN', 'task.URGE', 'task.RETURN', 'task.COMMENT']);
    expect((await listTaskMoves(t.db, { taskIds: [x!.id, y!.id], stateChanges: true })).map((m) => m.action)).toEqual(['task.SIGN', 'task.RETURN', 'task.COMMENT']);
    await createProgressReport(t.db, { task_id: x!.id, period: '2026-09', text: '九月', percent: 40, created_at: '2026-09-20T00:00:00.000Z' });
    await createProgressReport(t.db, { task_id: x!.id, period: '2026-10', text: '十月', created_at: '2026-10-20T00:00:00.000Z' });
    const latest = await latestProgressByTask(t.db, [x!.id, y!.id]);
    expect(latest.get(x!.id)).toMatchObject({ period: '2026-10', percent: 40, text: '十月' });
    expect([...latest.get(x!.id)!.periods]).toEqual(['2026-09', '2026-10']);
    expect(latest.has(y!.id)).toBe(false);
  });

  it('lists the unit links of one plan in one query', async () => {
    const lead = await seedUnit(t.db);
    const co = await seedUnit(t.db);
    const { plan, tasks } = await seedPlanWithTasks(t.db, 2, () => ({ lead_unit_id: lead.id, co_unit_ids: [co.id] }));
    await seedPlanWithTasks(t.db, 1, () => ({ lead_unit_id: lead.id }));
    const links = await listTaskUnitLinks(t.db, { planId: plan.id });
    expect(links).toHaveLength(4);
    expect(links.filter((l) => l.relation === 'lead').map((l) => l.task_id).sort()).toEqual(tasks.map((x) => x.id).sort());
  });
});
