import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase } from '../testing.js';
import type { TestDatabase } from '../testing.js';
import { DIALECTS, seedPlanWithTasks, seedUnit, seedUser, taskInput, uniq } from '../test-support.js';
import { createExtensionRequest, decideExtensionRequest, getExtensionRequest, listExtensionRequests } from './extension-requests.js';
import { createAttachment, getFile, listAttachments, saveFile } from './files.js';
import { getPlan, listPlans, createPlan } from './plans.js';
import { createProgressReport, listProgressReports } from './progress-reports.js';
import { listRatings, summarizeRatings, upsertRating } from './ratings.js';
import {
  closeRectificationItem,
  countOpenRectificationItems,
  createRectificationItems,
  listRectificationItems,
  markRectified,
} from './rectification-items.js';
import { createSession, getValidSession, revokeSession, revokeUserSessions, touchSession } from './sessions.js';
import { countTasksByPlan, countTasksByStage, countTasksByUnit } from './stats.js';
import { createSubmission, listSubmissions } from './submissions.js';
import {
  getTask,
  getTasksByIds,
  insertTasks,
  listTaskCoUnits,
  listTasks,
  listTaskUnits,
  removeTaskUnit,
  setTaskUnit,
  updateTaskSnapshot,
  getTaskUnitRelation,
} from './tasks.js';
import {
  createUnitGroup,
  findUnitByName,
  findUnitGroupByName,
  getUnit,
  listUnitGroupMembers,
  listUnits,
  removeUnitGroupMember,
  setUnitGroupMembers,
  updateUnit,
  createUnit,
} from './units.js';
import { createUser, getUserById, getUserByUsername, listUsers, recordFailedLogin, resetFailedLogins, updateUser } from './users.js';

describe.each(DIALECTS)('repositories (%s)', (dialect) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(dialect);
  });
  afterAll(async () => {
    await t.cleanup();
  });

  describe('units and groups', () => {
    it('creates, gets, finds by name, short name and alias, updates', async () => {
      const name = uniq('东城区住建委-');
      const unit = await createUnit(t.db, { name, short_name: `${name}简称`, aliases: [`${name}甲`, 'x"y'], kind: 'department' });
      expect(await getUnit(t.db, unit.id)).toEqual(unit);
      expect(unit.aliases).toEqual([`${name}甲`, 'x"y']);
      expect((await findUnitByName(t.db, name))?.id).toBe(unit.id);
      expect((await findUnitByName(t.db, ` ${name}简称 `))?.id).toBe(unit.id);
      expect((await findUnitByName(t.db, `${name}甲`))?.id).toBe(unit.id);
      expect(await findUnitByName(t.db, `${name}乙`)).toBeUndefined();
      const updated = await updateUnit(t.db, unit.id, { aliases: [`${name}乙`], sort_order: 7 });
      expect(updated?.sort_order).toBe(7);
      expect((await findUnitByName(t.db, `${name}乙`))?.id).toBe(unit.id);
      expect(await findUnitByName(t.db, `${name}甲`)).toBeUndefined();
      const streets = await listUnits(t.db, { kind: 'department' });
      expect(streets.some((u) => u.id === unit.id)).toBe(true);
    });

    it('rejects a duplicate unit name', async () => {
      const u = await seedUnit(t.db);
      await expect(createUnit(t.db, { name: u.name, kind: 'other' })).rejects.toThrow();
    });

    it('keeps group members and finds groups by alias', async () => {
      const [a, b, c] = [await seedUnit(t.db), await seedUnit(t.db), await seedUnit(t.db)];
      const gname = uniq('各街道办事处-');
      const g = await createUnitGroup(t.db, { name: gname, aliases: [`${gname}别称`], memberIds: [a.id, b.id] });
      expect((await findUnitGroupByName(t.db, `${gname}别称`))?.id).toBe(g.id);
      expect((await listUnitGroupMembers(t.db, g.id)).map((u) => u.id).sort()).toEqual([a.id, b.id].sort());
      await setUnitGroupMembers(t.db, g.id, [b.id, c.id]);
      expect(await removeUnitGroupMember(t.db, g.id, b.id)).toBe(true);
      expect((await listUnitGroupMembers(t.db, g.id)).map((u) => u.id)).toEqual([c.id]);
    });
  });

  describe('users and sessions', () => {
    it('creates, gets, lists and updates users with a version check', async () => {
      const unit = await seedUnit(t.db);
      const user = await createUser(t.db, {
        username: uniq('liaison-'),
        display_name: '张三',
        password_hash: 'hash',
        role: 'liaison',
        unit_id: unit.id,
      });
      expect(user).toMatchObject({ version: 1, must_change_password: 1, disabled: 0, failed_login_count: 0 });
      expect(await getUserById(t.db, user.id)).toEqual(user);
      expect(await getUserByUsername(t.db, user.username)).toEqual(user);
      expect((await listUsers(t.db, { unitId: unit.id })).map((u) => u.id)).toEqual([user.id]);

      const v2 = await updateUser(t.db, user.id, 1, { display_name: '李四', must_change_password: 0 });
      expect(v2).toMatchObject({ display_name: '李四', version: 2, must_change_password: 0 });
      expect(await updateUser(t.db, user.id, 1, { display_name: '王五' })).toBeNull();
      expect((await getUserById(t.db, user.id))?.display_name).toBe('李四');

      await updateUser(t.db, user.id, 2, { disabled: 1 });
      expect(await listUsers(t.db, { unitId: unit.id })).toEqual([]);
      expect(await listUsers(t.db, { unitId: unit.id, includeDisabled: true })).toHaveLength(1);
    });

    it('counts failed logins, locks, and resets', async () => {
      const user = await seedUser(t.db);
      expect(await recordFailedLogin(t.db, user.id, { lockAfter: 2, lockUntil: '2099-01-01T00:00:00.000Z' })).toEqual({
        failed_login_count: 1,
        locked_until: null,
      });
      expect(await recordFailedLogin(t.db, user.id, { lockAfter: 2, lockUntil: '2099-01-01T00:00:00.000Z' })).toEqual({
        failed_login_count: 2,
        locked_until: '2099-01-01T00:00:00.000Z',
      });
      await resetFailedLogins(t.db, user.id);
      expect(await getUserById(t.db, user.id)).toMatchObject({ failed_login_count: 0, locked_until: null, version: 1 });
    });

    it('creates, validates, touches and revokes sessions', async () => {
      const user = await seedUser(t.db);
      const id = uniq('tokenhash-');
      await createSession(t.db, { id, user_id: user.id, expires_at: '2030-01-01T00:00:00.000Z', client_ip: '10.0.0.1', created_at: '2026-01-01T00:00:00.000Z' });
      expect(await getValidSession(t.db, id, '2026-06-01T00:00:00.000Z')).toMatchObject({ user_id: user.id, client_ip: '10.0.0.1' });
      expect(await getValidSession(t.db, id, '2030-01-01T00:00:00.000Z')).toBeUndefined();
      await touchSession(t.db, id, '2026-06-02T00:00:00.000Z');
      expect((await getValidSession(t.db, id, '2026-06-03T00:00:00.000Z'))?.last_seen_at).toBe('2026-06-02T00:00:00.000Z');
      expect(await revokeSession(t.db, id)).toBe(true);
      expect(await revokeSession(t.db, id)).toBe(false);
      expect(await getValidSession(t.db, id, '2026-06-03T00:00:00.000Z')).toBeUndefined();
      const id2 = uniq('tokenhash-');
      await createSession(t.db, { id: id2, user_id: user.id, expires_at: '2099-01-01T00:00:00.000Z' });
      expect(await revokeUserSessions(t.db, user.id)).toBe(1);
    });
  });

  describe('plans and tasks', () => {
    it('reads tasks by id in bounded queries: more ids than one parameter list holds, unknown ids left out', async () => {
      const { tasks } = await seedPlanWithTasks(t.db, 1_203);
      const ids = [...tasks.map((x) => x.id), 'no-such-task'];
      const found = await getTasksByIds(t.db, ids);
      expect(found).toHaveLength(1_203);
      expect(new Set(found.map((x) => x.id))).toEqual(new Set(tasks.map((x) => x.id)));
      expect(await getTasksByIds(t.db, [])).toEqual([]);
    });

    it('creates a plan with phases and lists it with task counts per stage', async () => {
      const plan = await createPlan(t.db, {
        title: uniq('老旧小区综合整治工作方案-'),
        doc_number: '东政办〔2021〕16号',
        issued_on: '2021-04-01',
        phases: [
          { ordinal: 2, name: '办理落实阶段', start_month: '2021-05', end_month: '2021-10', duties: ['落实'] },
          { ordinal: 1, name: '动员部署阶段', start_month: '2021-04', end_month: '2021-04' },
        ],
      });
      expect(plan.phases.map((p) => p.name)).toEqual(['动员部署阶段', '办理落实阶段']);
      expect(await getPlan(t.db, plan.id)).toEqual(plan);
      await insertTasks(t.db, [
        taskInput(plan.id, 1),
        // effective_due_date: the API's deadline rule decides it (null once closed); overdue counts it
        taskInput(plan.id, 2, { stage: 'handle', due_date: '2000-01-01', effective_due_date: '2000-01-01' }),
        taskInput(plan.id, 3, { stage: 'done', due_date: '2000-01-01', effective_due_date: null }),
      ]);
      const summary = (await listPlans(t.db, { today: '2026-11-25' })).find((p) => p.id === plan.id);
      expect(summary).toMatchObject({ task_count: 3, overdue_count: 1 });
      expect(summary?.stage_counts).toEqual({ deploy: 1, handle: 1, inspect: 0, summarize: 0, evaluate: 0, done: 1, terminated: 0 });
    });

    it('round-trips a task with its JSON columns and unit relations', async () => {
      const [lead, co] = [await seedUnit(t.db), await seedUnit(t.db)];
      const { plan } = await seedPlanWithTasks(t.db, 0);
      const [task] = await insertTasks(t.db, [
        taskInput(plan.id, 1, {
          lead_unit_id: lead.id,
          co_unit_ids: [co.id, lead.id],
          targets: [{ value: 30, unit: '户', comparator: '>=' }],
          deadline_text: '2023年底',
          due_date: '2023-12-31',
        }),
      ]);
      const got = await getTask(t.db, task!.id);
      expect(got).toEqual(task);
      expect(got).toMatchObject({ path: ['一', '1'], targets: [{ value: 30, unit: '户', comparator: '>=' }], version: 1, round: 1 });
      expect(JSON.parse(got!.snapshot)).toEqual({ value: { deploy: 'drafting' }, context: { n: 1 } });
      expect(await listTaskUnits(t.db, task!.id)).toEqual([
        // contribution_status: the co-unit owes its part (a lead row's value means nothing)
        { task_id: task!.id, unit_id: lead.id, relation: 'lead', contribution_status: 'pending' },
        { task_id: task!.id, unit_id: co.id, relation: 'co', contribution_status: 'pending' },
      ]);
      await setTaskUnit(t.db, task!.id, co.id, 'lead');
      expect(await getTaskUnitRelation(t.db, task!.id, co.id)).toBe('lead');
      expect(await removeTaskUnit(t.db, task!.id, co.id)).toBe(true);
      expect(await getTaskUnitRelation(t.db, task!.id, co.id)).toBeUndefined();
    });

    it('lists tasks by plan, stage, unit, overdue and text, paging by keyset', async () => {
      const unit = await seedUnit(t.db);
      const marker = uniq('Marker');
      const { plan, tasks } = await seedPlanWithTasks(t.db, 7, (i) => ({
        stage: i <= 4 ? 'handle' : 'done',
        due_date: i % 2 === 0 ? '2001-01-01' : '2999-01-01',
        effective_due_date: i > 4 ? null : i % 2 === 0 ? '2001-01-01' : '2999-01-01',
        co_unit_ids: i <= 2 ? [unit.id] : [],
        text: i === 6 ? `关于 ${marker} 的任务` : `任务 ${i}`,
        heading: i === 7 ? `${marker.toUpperCase()} 标题` : null,
      }));
      const all = await listTasks(t.db, { planId: plan.id, limit: 100 });
      expect(all.items.map((x) => x.ordinal)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(all.nextCursor).toBeNull();

      const pages: number[][] = [];
      let cursor: string | null = null;
      do {
        const page: Awaited<ReturnType<typeof listTasks>> = await listTasks(t.db, { planId: plan.id, cursor, limit: 3 });
        pages.push(page.items.map((x) => x.ordinal));
        cursor = page.nextCursor;
      } while (cursor !== null);
      expect(pages).toEqual([[1, 2, 3], [4, 5, 6], [7]]);

      expect((await listTasks(t.db, { planId: plan.id, stage: 'done', limit: 10 })).items.map((x) => x.ordinal)).toEqual([5, 6, 7]);
      expect((await listTasks(t.db, { unitId: unit.id, limit: 10 })).items.map((x) => x.id)).toEqual([tasks[0]!.id, tasks[1]!.id]);
      expect(
        (await listTasks(t.db, { planId: plan.id, overdue: true, today: '2026-11-25', limit: 10 })).items.map((x) => x.ordinal),
      ).toEqual([2, 4]);
      expect(
        (await listTasks(t.db, { planId: plan.id, text: marker.toLowerCase(), limit: 10 })).items.map((x) => x.ordinal),
      ).toEqual([6, 7]);
      expect((await listTasks(t.db, { planId: plan.id, text: '100%_', limit: 10 })).items).toEqual([]);
    });

    it('lists carry no snapshot; a page reads its co-units, in the order given, from task_units', async () => {
      const [lead, a, b, c] = [await seedUnit(t.db), await seedUnit(t.db), await seedUnit(t.db), await seedUnit(t.db)];
      const { plan, tasks } = await seedPlanWithTasks(t.db, 3, (i) => ({
        lead_unit_id: lead.id,
        // the lead named among its co-units and a repeat are dropped, the rest keep their order
        co_unit_ids: i === 1 ? [c.id, lead.id, a.id, c.id, b.id] : i === 2 ? [b.id] : [],
      }));
      const page = await listTasks(t.db, { planId: plan.id, limit: 10 });
      expect(page.items.map((x) => x.id)).toEqual(tasks.map((x) => x.id));
      for (const item of page.items) expect(item).not.toHaveProperty('snapshot');
      // every other column as getTask reads it
      const { snapshot: _snapshot, ...first } = (await getTask(t.db, tasks[0]!.id))!;
      expect(page.items[0]).toEqual(first);

      const co = await listTaskCoUnits(t.db, tasks.map((x) => x.id));
      expect(co.get(tasks[0]!.id)).toEqual([c, a, b].map((u) => ({ id: u.id, name: u.name })));
      expect(co.get(tasks[1]!.id)).toEqual([{ id: b.id, name: b.name }]);
      expect(co.has(tasks[2]!.id)).toBe(false);
      // a new order (REASSIGN writes each co-unit's place)
      for (const [k, u] of [b, c, a].entries()) await setTaskUnit(t.db, tasks[0]!.id, u.id, 'co', k);
      expect((await listTaskCoUnits(t.db, [tasks[0]!.id])).get(tasks[0]!.id)?.map((u) => u.id)).toEqual([b.id, c.id, a.id]);
      // without a place, a change of relation keeps the row's
      await setTaskUnit(t.db, tasks[0]!.id, c.id, 'co');
      expect((await listTaskCoUnits(t.db, [tasks[0]!.id])).get(tasks[0]!.id)?.map((u) => u.id)).toEqual([b.id, c.id, a.id]);
    });

    it('updateTaskSnapshot bumps the version, and on a stale version returns null and changes nothing', async () => {
      const [lead, newLead] = [await seedUnit(t.db), await seedUnit(t.db)];
      const { tasks } = await seedPlanWithTasks(t.db, 1, () => ({ lead_unit_id: lead.id }));
      const task = tasks[0]!;
      const v2 = await updateTaskSnapshot(t.db, {
        id: task.id,
        expectedVersion: 1,
        snapshot: { value: { deploy: 'submitted' } },
        stage: 'deploy',
        status: 'submitted',
        round: 1,
        updatedAt: '2026-11-25T01:00:00.000Z',
      });
      expect(v2).toBe(2);
      const before = await getTask(t.db, task.id);
      expect(before).toMatchObject({ status: 'submitted', version: 2 });

      const stale = await updateTaskSnapshot(t.db, {
        id: task.id,
        expectedVersion: 1,
        snapshot: { value: 'terminated' },
        stage: 'terminated',
        status: 'terminated',
        round: 9,
        leadUnitId: newLead.id,
        dueDate: '2030-01-01',
      });
      expect(stale).toBeNull();
      expect(await getTask(t.db, task.id)).toEqual(before);
      expect(await getTaskUnitRelation(t.db, task.id, lead.id)).toBe('lead');

      const v3 = await updateTaskSnapshot(t.db, {
        id: task.id,
        expectedVersion: 2,
        snapshot: '{"value":{"handle":"drafting"}}',
        stage: 'handle',
        status: 'drafting',
        round: 1,
        leadUnitId: newLead.id,
        dueDate: '2030-01-01',
      });
      expect(v3).toBe(3);
      expect(await getTask(t.db, task.id)).toMatchObject({ stage: 'handle', lead_unit_id: newLead.id, due_date: '2030-01-01' });
      expect(await listTaskUnits(t.db, task.id)).toEqual([{ task_id: task.id, unit_id: newLead.id, relation: 'lead', contribution_status: 'pending' }]);
    });

    it('updateTaskSnapshot given the row as read names only the changed columns, and every column ends as asked', async () => {
      const [lead, other] = [await seedUnit(t.db), await seedUnit(t.db)];
      const { tasks } = await seedPlanWithTasks(t.db, 1, () => ({ lead_unit_id: lead.id }));
      const read = (await getTask(t.db, tasks[0]!.id))!;
      // SQLite rewrites the indexes of every column named in SET: count the writes that name stage or lead_unit_id
      if (dialect === 'sqlite') {
        await sql`create temp table if not exists named_in_set (n integer)`.execute(t.db);
        await sql`create temp trigger if not exists count_named after update of stage, lead_unit_id on tasks begin insert into named_in_set values (1); end`.execute(t.db);
      }
      const named = async () => (dialect === 'sqlite' ? Number((await sql<{ n: number }>`select count(*) as n from named_in_set`.execute(t.db)).rows[0]?.n) : null);
      const v2 = await updateTaskSnapshot(t.db, {
        id: read.id,
        expectedVersion: read.version,
        snapshot: { value: { deploy: 'submitted' } },
        stage: read.stage,
        status: 'submitted',
        round: read.round,
        leadUnitId: lead.id,
        facts: { effective_due_date: read.effective_due_date, latest_percent: 40 },
        current: read,
      });
      expect(v2).toBe(read.version + 1);
      expect(await getTask(t.db, read.id)).toMatchObject({ stage: read.stage, status: 'submitted', lead_unit_id: lead.id, latest_percent: 40, version: v2 });
      expect(await getTaskUnitRelation(t.db, read.id, lead.id)).toBe('lead');
      if (dialect === 'sqlite') expect(await named()).toBe(0);
      const afterFirst = (await getTask(t.db, read.id))!;
      const v3 = await updateTaskSnapshot(t.db, { id: read.id, expectedVersion: v2!, snapshot: {}, stage: 'handle', status: 'drafting', round: 1, leadUnitId: other.id, current: afterFirst });
      expect(await getTask(t.db, read.id)).toMatchObject({ stage: 'handle', status: 'drafting', lead_unit_id: other.id, version: v3 });
      expect(await listTaskUnits(t.db, read.id)).toEqual([{ task_id: read.id, unit_id: other.id, relation: 'lead', contribution_status: 'pending' }]);
      if (dialect === 'sqlite') {
        expect(await named()).toBe(1);
        await sql`drop trigger count_named`.execute(t.db);
      }
    });

    it('lets exactly one of two concurrent writers with the same expected version win', async () => {
      const { tasks } = await seedPlanWithTasks(t.db, 1);
      const id = tasks[0]!.id;
      const attempt = (status: string) =>
        t.db.transaction().execute((trx) =>
          updateTaskSnapshot(trx, { id, expectedVersion: 1, snapshot: { status }, stage: 'deploy', status, round: 1 }),
        );
      const results = await Promise.all([attempt('a'), attempt('b')]);
      expect(results.filter((r) => r === 2)).toHaveLength(1);
      expect(results.filter((r) => r === null)).toHaveLength(1);
    });

    it('counts tasks by stage, plan and unit', async () => {
      const [lead, co] = [await seedUnit(t.db), await seedUnit(t.db)];
      const { plan } = await seedPlanWithTasks(t.db, 3, (i) => ({
        stage: i === 3 ? 'inspect' : 'handle',
        lead_unit_id: lead.id,
        co_unit_ids: i === 1 ? [co.id] : [],
        due_date: i === 1 ? '2001-01-01' : null,
      }));
      expect(await countTasksByStage(t.db, { planId: plan.id })).toMatchObject({ handle: 2, inspect: 1, deploy: 0 });
      expect(await countTasksByStage(t.db, { unitId: co.id })).toMatchObject({ handle: 1, inspect: 0 });
      expect((await countTasksByPlan(t.db)).filter((r) => r.plan_id === plan.id)).toEqual([
        { plan_id: plan.id, stage: 'handle', count: 2 },
        { plan_id: plan.id, stage: 'inspect', count: 1 },
      ]);
      const byUnit = (await countTasksByUnit(t.db, { planId: plan.id, today: '2026-01-01' }))
        .filter((r) => r.unit_id === lead.id)
        .sort((a, b) => a.stage.localeCompare(b.stage));
      expect(byUnit).toEqual([
        { unit_id: lead.id, relation: 'lead', stage: 'handle', count: 2, overdue: 1 },
        { unit_id: lead.id, relation: 'lead', stage: 'inspect', count: 1, overdue: 0 },
      ]);
    });
  });

  describe('task records', () => {
    it('stores submissions, files and attachments', async () => {
      const unit = await seedUnit(t.db);
      const user = await seedUser(t.db, 'liaison', unit.id);
      const { tasks } = await seedPlanWithTasks(t.db, 1);
      const task = tasks[0]!;
      const s1 = await createSubmission(t.db, { task_id: task.id, stage: 'deploy', round: 1, kind: 'handling_plan', unit_id: unit.id, user_id: user.id, text: '办理方案', created_at: '2026-01-01T00:00:00.000Z' });
      const s2 = await createSubmission(t.db, { task_id: task.id, stage: 'summarize', round: 1, kind: 'summary', text: '总结', resolution_class: 'A', created_at: '2026-02-01T00:00:00.000Z' });
      expect(await listSubmissions(t.db, task.id)).toEqual([s1, s2]);
      expect(await listSubmissions(t.db, task.id, { kind: 'summary' })).toEqual([s2]);

      const sha = uniq('sha-').padEnd(64, '0');
      const f1 = await saveFile(t.db, { sha256: sha, size: 10, mime: 'application/pdf', original_name: '证明.pdf', created_by: user.id });
      const f2 = await saveFile(t.db, { sha256: sha, size: 10, mime: 'application/pdf', original_name: '另一个名字.pdf' });
      expect(f2).toEqual(f1);
      expect(await getFile(t.db, sha)).toEqual(f1);
      const att = await createAttachment(t.db, { file_sha256: sha, owner_type: 'submission', owner_id: s1.id });
      expect(await listAttachments(t.db, 'submission', [s1.id, s2.id])).toEqual([
        { ...att, size: 10, mime: 'application/pdf', original_name: '证明.pdf' },
      ]);
    });

    it('stores progress reports and rectification items', async () => {
      const user = await seedUser(t.db, 'office');
      const { tasks } = await seedPlanWithTasks(t.db, 1);
      const task = tasks[0]!;
      await createProgressReport(t.db, { task_id: task.id, period: '2026-05', text: '五月', percent: 40 });
      await createProgressReport(t.db, { task_id: task.id, period: '2026-04', text: '四月', percent: null });
      expect((await listProgressReports(t.db, task.id)).map((r) => [r.period, r.percent])).toEqual([['2026-04', null], ['2026-05', 40]]);

      const items = await createRectificationItems(t.db, task.id, 1, [{ description: '问题一' }, { description: '问题二' }]);
      const more = await createRectificationItems(t.db, task.id, 1, [{ description: '问题三' }]);
      expect([...items, ...more].map((i) => i.ordinal)).toEqual([1, 2, 3]);
      expect(await countOpenRectificationItems(t.db, task.id, 1)).toBe(3);
      expect(await markRectified(t.db, items[0]!.id, '已整改')).toMatchObject({ status: 'rectified', rectification_text: '已整改' });
      for (const it of [...items, ...more]) expect(await closeRectificationItem(t.db, it.id, user.id)).toMatchObject({ status: 'closed' });
      expect(await closeRectificationItem(t.db, items[0]!.id, user.id)).toBeNull();
      expect(await markRectified(t.db, items[0]!.id, '再改')).toBeNull();
      expect(await countOpenRectificationItems(t.db, task.id, 1)).toBe(0);
      expect((await listRectificationItems(t.db, task.id, 1)).map((i) => i.status)).toEqual(['closed', 'closed', 'closed']);
    });

    it('upserts ratings and summarises them', async () => {
      const [e1, e2] = [await seedUser(t.db, 'evaluator'), await seedUser(t.db, 'evaluator')];
      const { tasks } = await seedPlanWithTasks(t.db, 1);
      const task = tasks[0]!;
      await upsertRating(t.db, { task_id: task.id, round: 1, evaluator_id: e1.id, rating: 'unsatisfied', at: '2026-01-01T00:00:00.000Z' });
      await upsertRating(t.db, { task_id: task.id, round: 1, evaluator_id: e2.id, rating: 'satisfied' });
      const again = await upsertRating(t.db, { task_id: task.id, round: 1, evaluator_id: e1.id, rating: 'basically_satisfied', comment: '改了', at: '2026-01-02T00:00:00.000Z' });
      expect(again).toMatchObject({ rating: 'basically_satisfied', comment: '改了', created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-02T00:00:00.000Z' });
      expect(await listRatings(t.db, task.id, 1)).toHaveLength(2);
      expect(await summarizeRatings(t.db, task.id, 1)).toEqual({ satisfied: 1, basically_satisfied: 1, unsatisfied: 0 });
    });

    it('decides an extension request exactly once', async () => {
      const office = await seedUser(t.db, 'office');
      const { tasks } = await seedPlanWithTasks(t.db, 1);
      const task = tasks[0]!;
      const req = await createExtensionRequest(t.db, { task_id: task.id, current_due_date: '2026-03-31', requested_due_date: '2026-06-30', reason: '施工季节' });
      expect(req.status).toBe('pending');
      expect(await listExtensionRequests(t.db, { taskId: task.id, status: 'pending' })).toEqual([req]);
      const granted = await decideExtensionRequest(t.db, req.id, { status: 'granted', decided_by: office.id, decision_comment: '同意' });
      expect(granted).toMatchObject({ status: 'granted', decided_by: office.id });
      expect(await decideExtensionRequest(t.db, req.id, { status: 'refused', decided_by: office.id })).toBeNull();
      expect((await getExtensionRequest(t.db, req.id))?.status).toBe('granted');
    });
  });
});
