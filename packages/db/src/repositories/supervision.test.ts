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
  listNotices,
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
    expect((await listNotices(t.db, { unitId: unit.id })).map((n) => n.status).sort()).toEqual(['answered', 'issued']);
    expect((await listNotices(t.db, { unitId: unit.id, status: 'issued' })).map((n) => n.id)).toEqual([b.id]);
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
