import { sql } from 'kysely';
import type { Kysely, RawBuilder } from 'kysely';
import { dialectOf } from '../dialect.js';

// Frozen in time: this migration uses Kysely<any>, never the application's Database type.
/* eslint-disable @typescript-eslint/no-explicit-any */

// Task counters for the dashboard counts (bench/README.md, issue 8): at 1M tasks, counting by
// unit × relation × stage (+ overdue) scanned every task_units row and its task. The counts are kept
// by database triggers in the same transaction as every change to tasks / task_units, so no
// application path (transitions, reassignment, plan import, raw SQL) can forget them:
//
//   task_plan_counts (plan_id, stage) → n            tasks per plan and stage
//   task_unit_counts (unit_id, relation, stage, has_due, due_date) → n
//                                                      task_units rows per unit, relation, task stage
//                                                      and task due date — overdue (due_date < today,
//                                                      not done/terminated) is a sum over this small
//                                                      table for any `today`. Closed tasks (done,
//                                                      terminated) and tasks without a due date are
//                                                      kept under has_due = 0, due_date = '' so the
//                                                      table does not grow with the history of dates.
//
// A row whose count reaches 0 is deleted; a count is never committed as 0.
//
// SQLite (one writer at a time): row triggers apply each change to the counters at once.
//
// PostgreSQL: row triggers only add the change to `task_count_deltas` (unlogged, keyed by the
// transaction) and queue one row in `task_count_flushes`, whose deferred constraint trigger folds the
// transaction's deltas into the counters at COMMIT in ONE statement per counter table, in key order.
// So a transaction locks counter rows only at the very end (transitions already hold audit_head
// then), and two committers take their counter rows in the same order: no deadlock between them.
// Applying them at once instead would hold the (plan, stage) row from a transition's UPDATE to its
// COMMIT and serialise every stage change within a plan (pgbench, 8 clients, 2 ms of work between
// UPDATE and COMMIT: ~390 tps at once vs ~2 100-2 500 deferred, ~3 100 without counters); the price
// is ~0.1 ms more per stage-changing transaction (~0.18 ms in all vs ~0.07 ms).
// A trigger on task_units locks its task row (FOR NO KEY UPDATE) before reading the task's stage, so
// it cannot race a concurrent stage change under READ COMMITTED (the application's isolation level;
// REPEATABLE READ would not be safe). Readers inside a writing transaction add that transaction's
// pending deltas (repositories/stats.ts). TRUNCATE (no row triggers) resets the truncated side.
// SQLite note: REPLACE conflict resolution deletes rows without firing delete triggers unless
// recursive_triggers is on; nothing uses INSERT OR REPLACE on tasks / task_units.
//
// Deleting a task: its counts are removed by the tasks trigger BEFORE the row goes (while its
// task_units rows still exist); the cascaded task_units deletes find no task and change nothing.

const CLOSED = `('done','terminated')`;
/** has_due / due_date of a task row `t` (a table alias, or new / old) as kept in task_unit_counts. */
const hasDue = (t: string) => `case when ${t}.due_date is null or ${t}.stage in ${CLOSED} then 0 else 1 end`;
const dueKey = (t: string) => `case when ${t}.due_date is null or ${t}.stage in ${CLOSED} then '' else ${t}.due_date end`;
const UNIT_KEY = 'unit_id, relation, stage, has_due, due_date';
const UNIT_COLS = `${UNIT_KEY}, n`;

const raw = (text: string): RawBuilder<unknown> => sql.raw(text);

export async function up(db: Kysely<any>): Promise<void> {
  const dialect = dialectOf(db);
  // SQLite migrations do not run in a transaction (Kysely's adapter); this one must, so that no write
  // of another process falls between the triggers and the backfill. PostgreSQL's migrator already
  // runs it in one, and CREATE TRIGGER holds off writers to tasks / task_units until it commits.
  if (db.isTransaction) await upIn(db, dialect);
  else await db.transaction().execute((trx) => upIn(trx, dialect));
}

async function upIn(db: Kysely<any>, dialect: 'sqlite' | 'postgres'): Promise<void> {
  const withoutRowid = (b: any) => (dialect === 'sqlite' ? b.modifyEnd(sql`without rowid`) : b);
  await withoutRowid(
    db.schema
      .createTable('task_plan_counts')
      .addColumn('plan_id', 'text', (c) => c.notNull())
      .addColumn('stage', 'text', (c) => c.notNull())
      .addColumn('n', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('task_plan_counts_pk', ['plan_id', 'stage']),
  ).execute();
  await withoutRowid(
    db.schema
      .createTable('task_unit_counts')
      .addColumn('unit_id', 'text', (c) => c.notNull())
      .addColumn('relation', 'text', (c) => c.notNull())
      .addColumn('stage', 'text', (c) => c.notNull())
      .addColumn('has_due', 'integer', (c) => c.notNull())
      .addColumn('due_date', 'text', (c) => c.notNull())
      .addColumn('n', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('task_unit_counts_pk', ['unit_id', 'relation', 'stage', 'has_due', 'due_date']),
  ).execute();

  if (dialect === 'postgres') await createPostgresTriggers(db);
  else await createSqliteTriggers(db);

  // Backfill from the base tables (after the triggers, in the same transaction).
  await raw(
    `insert into task_plan_counts (plan_id, stage, n) select plan_id, stage, count(*) from tasks group by plan_id, stage`,
  ).execute(db);
  await raw(
    `insert into task_unit_counts (${UNIT_COLS})
     select tu.unit_id, tu.relation, t.stage, ${hasDue('t')}, ${dueKey('t')}, count(*)
     from task_units tu join tasks t on t.id = tu.task_id
     group by tu.unit_id, tu.relation, t.stage, ${hasDue('t')}, ${dueKey('t')}`,
  ).execute(db);
}

// ---------------------------------------------------------------------------------------------
// SQLite

/** `insert … select <unit key>, <delta> … on conflict add` for the rows of `from` (must have a WHERE). */
function sqliteAddUnits(select: string): string {
  return `insert into task_unit_counts (${UNIT_COLS}) ${select}
    on conflict (${UNIT_KEY}) do update set n = n + excluded.n;`;
}
/** Deletes the counters of the keys `select` yields whose count reached 0. */
function sqliteDropZeroUnits(select: string): string {
  return `delete from task_unit_counts where n = 0 and (${UNIT_KEY}) in (${select});`;
}
const SQLITE_PLAN_ADD = (t: string, d: number) =>
  `insert into task_plan_counts (plan_id, stage, n) values (${t}.plan_id, ${t}.stage, ${d})
    on conflict (plan_id, stage) do update set n = n + excluded.n;`;
const SQLITE_PLAN_DROP_ZERO = (t: string) =>
  `delete from task_plan_counts where plan_id = ${t}.plan_id and stage = ${t}.stage and n = 0;`;

/** The unit keys of task row `t` (new / old) over its task_units rows. */
const unitsOfTask = (t: string, d: number | null) =>
  `select tu.unit_id, tu.relation, ${t}.stage, ${hasDue(t)}, ${dueKey(t)}${d === null ? '' : `, ${d}`}
   from task_units tu where tu.task_id = ${t}.id`;
/** The unit key of task_units row `u` (new / old) from its task. */
const taskOfUnit = (u: string, d: number | null) =>
  `select ${u}.unit_id, ${u}.relation, t.stage, ${hasDue('t')}, ${dueKey('t')}${d === null ? '' : `, ${d}`}
   from tasks t where t.id = ${u}.task_id`;

async function createSqliteTriggers(db: Kysely<any>): Promise<void> {
  await raw(`create trigger task_counts_tasks_insert after insert on tasks begin
    ${SQLITE_PLAN_ADD('new', 1)}
    ${sqliteAddUnits(unitsOfTask('new', 1))}
  end`).execute(db);
  await raw(`create trigger task_counts_tasks_update after update of id, plan_id, stage, due_date on tasks
    when old.id is not new.id or old.plan_id is not new.plan_id or old.stage is not new.stage or old.due_date is not new.due_date
  begin
    ${SQLITE_PLAN_ADD('old', -1)}
    ${SQLITE_PLAN_ADD('new', 1)}
    ${SQLITE_PLAN_DROP_ZERO('old')}
    ${sqliteAddUnits(unitsOfTask('old', -1))}
    ${sqliteAddUnits(unitsOfTask('new', 1))}
    ${sqliteDropZeroUnits(unitsOfTask('old', null))}
  end`).execute(db);
  // BEFORE: the task's task_units rows are still there (ON DELETE CASCADE removes them afterwards).
  await raw(`create trigger task_counts_tasks_delete before delete on tasks begin
    ${SQLITE_PLAN_ADD('old', -1)}
    ${SQLITE_PLAN_DROP_ZERO('old')}
    ${sqliteAddUnits(unitsOfTask('old', -1))}
    ${sqliteDropZeroUnits(unitsOfTask('old', null))}
  end`).execute(db);

  await raw(`create trigger task_counts_units_insert after insert on task_units begin
    ${sqliteAddUnits(taskOfUnit('new', 1))}
  end`).execute(db);
  await raw(`create trigger task_counts_units_update after update on task_units
    when old.task_id is not new.task_id or old.unit_id is not new.unit_id or old.relation is not new.relation
  begin
    ${sqliteAddUnits(taskOfUnit('old', -1))}
    ${sqliteAddUnits(taskOfUnit('new', 1))}
    ${sqliteDropZeroUnits(taskOfUnit('old', null))}
  end`).execute(db);
  await raw(`create trigger task_counts_units_delete after delete on task_units begin
    ${sqliteAddUnits(taskOfUnit('old', -1))}
    ${sqliteDropZeroUnits(taskOfUnit('old', null))}
  end`).execute(db);
}

const SQLITE_TRIGGERS = [
  'task_counts_tasks_insert',
  'task_counts_tasks_update',
  'task_counts_tasks_delete',
  'task_counts_units_insert',
  'task_counts_units_update',
  'task_counts_units_delete',
];

// ---------------------------------------------------------------------------------------------
// PostgreSQL

const DELTA_KEY = 'tx, scope, plan_id, unit_id, relation, stage, has_due, due_date';
const PG_ADD_DELTAS = `on conflict (${DELTA_KEY}) do update set n = d.n + excluded.n`;
// Queues the flush once per transaction: the transaction-local setting remembers it (a rollback to a
// savepoint undoes both the row and the setting).
const PG_QUEUE_FLUSH = `if current_setting('duban.task_counts_tx', true) is distinct from v_tx::text then
        insert into task_count_flushes (tx) values (v_tx) on conflict do nothing;
        perform set_config('duban.task_counts_tx', v_tx::text, true);
      end if;`;

async function createPostgresTriggers(db: Kysely<any>): Promise<void> {
  // One row per (transaction, counter key); scope 'plan' uses plan_id, 'unit' the unit columns.
  // Unlogged: rows live only until their transaction commits (a crash empties it, which is right).
  await raw(`create unlogged table task_count_deltas (
    tx bigint not null,
    scope text not null check (scope in ('plan','unit')),
    plan_id text not null default '',
    unit_id text not null default '',
    relation text not null default '',
    stage text not null,
    has_due integer not null default 0,
    due_date text not null default '',
    n integer not null,
    constraint task_count_deltas_pk primary key (${DELTA_KEY})
  )`).execute(db);
  // One row per transaction with pending deltas: its deferred trigger folds them in at COMMIT.
  await raw(`create unlogged table task_count_flushes (tx bigint primary key)`).execute(db);

  const oldRows = `select 'plan' as scope, old.plan_id as plan_id, '' as unit_id, '' as relation, old.stage as stage,
            0 as has_due, '' as due_date, -1 as n
          union all
          select 'unit', '', tu.unit_id, tu.relation, old.stage, ${hasDue('old')}, ${dueKey('old')}, -1
            from task_units tu where tu.task_id = old.id`;
  const newRows = `select 'plan' as scope, new.plan_id as plan_id, '' as unit_id, '' as relation, new.stage as stage,
            0 as has_due, '' as due_date, 1 as n
          union all
          select 'unit', '', tu.unit_id, tu.relation, new.stage, ${hasDue('new')}, ${dueKey('new')}, 1
            from task_units tu where tu.task_id = new.id`;
  const addDeltas = (rows: string) => `insert into task_count_deltas as d (${DELTA_KEY}, n)
          select v_tx, scope, plan_id, unit_id, relation, stage, has_due, due_date, sum(n)
          from (${rows}) x
          group by scope, plan_id, unit_id, relation, stage, has_due, due_date having sum(n) <> 0
          ${PG_ADD_DELTAS};`;
  await raw(`create function task_counts_note_task() returns trigger language plpgsql as $$
    declare
      v_tx bigint := txid_current();
    begin
      if tg_op = 'INSERT' then
        ${addDeltas(newRows)}
      elsif tg_op = 'UPDATE' then
        ${addDeltas(`${oldRows}
          union all
          ${newRows}`)}
      else
        ${addDeltas(oldRows)}
      end if;
      ${PG_QUEUE_FLUSH}
      if tg_op = 'DELETE' then
        return old;
      end if;
      return new;
    end
  $$`).execute(db);

  await raw(`create function task_counts_note_task_unit() returns trigger language plpgsql as $$
    declare
      v_tx bigint := txid_current();
      v_stage text;
      v_due text;
    begin
      if tg_op <> 'INSERT' then
        -- the task row lock orders this against a concurrent change of the task's stage / due date
        select t.stage, t.due_date into v_stage, v_due from tasks t where t.id = old.task_id for no key update;
        if found then
          insert into task_count_deltas as d (${DELTA_KEY}, n)
            select v_tx, 'unit', '', old.unit_id, old.relation, v_stage,
                   case when v_due is null or v_stage in ${CLOSED} then 0 else 1 end,
                   case when v_due is null or v_stage in ${CLOSED} then '' else v_due end, -1
            ${PG_ADD_DELTAS};
        end if;
      end if;
      if tg_op <> 'DELETE' then
        select t.stage, t.due_date into v_stage, v_due from tasks t where t.id = new.task_id for no key update;
        if found then
          insert into task_count_deltas as d (${DELTA_KEY}, n)
            select v_tx, 'unit', '', new.unit_id, new.relation, v_stage,
                   case when v_due is null or v_stage in ${CLOSED} then 0 else 1 end,
                   case when v_due is null or v_stage in ${CLOSED} then '' else v_due end, 1
            ${PG_ADD_DELTAS};
        end if;
      end if;
      ${PG_QUEUE_FLUSH}
      return null;
    end
  $$`).execute(db);

  // At COMMIT: the transaction's deltas into the counters, one sorted statement per table; the
  // counters that reached 0 are deleted.
  await raw(`create function task_counts_flush() returns trigger language plpgsql as $$
    declare
      v_zero_plans integer;
      v_zero_units integer;
    begin
      with up as (
        insert into task_plan_counts as c (plan_id, stage, n)
          select plan_id, stage, sum(n) from task_count_deltas
          where tx = new.tx and scope = 'plan'
          group by plan_id, stage having sum(n) <> 0
          order by plan_id, stage
          on conflict (plan_id, stage) do update set n = c.n + excluded.n
          returning c.n
      ) select count(*) filter (where n = 0) into v_zero_plans from up;
      with up as (
        insert into task_unit_counts as c (${UNIT_COLS})
          select ${UNIT_KEY}, sum(n) from task_count_deltas
          where tx = new.tx and scope = 'unit'
          group by ${UNIT_KEY} having sum(n) <> 0
          order by ${UNIT_KEY}
          on conflict (${UNIT_KEY}) do update set n = c.n + excluded.n
          returning c.n
      ) select count(*) filter (where n = 0) into v_zero_units from up;
      if v_zero_plans > 0 then
        delete from task_plan_counts c using task_count_deltas d
          where d.tx = new.tx and d.scope = 'plan' and c.plan_id = d.plan_id and c.stage = d.stage and c.n = 0;
      end if;
      if v_zero_units > 0 then
        delete from task_unit_counts c using task_count_deltas d
          where d.tx = new.tx and d.scope = 'unit' and c.unit_id = d.unit_id and c.relation = d.relation
            and c.stage = d.stage and c.has_due = d.has_due and c.due_date = d.due_date and c.n = 0;
      end if;
      delete from task_count_deltas where tx = new.tx;
      delete from task_count_flushes where tx = new.tx;
      -- changes after this (SET CONSTRAINTS … IMMEDIATE flushed early) queue a new flush
      perform set_config('duban.task_counts_tx', '', true);
      return null;
    end
  $$`).execute(db);

  // TRUNCATE skips row triggers: start the truncated side's counters again from nothing.
  await raw(`create function task_counts_truncated() returns trigger language plpgsql as $$
    begin
      if tg_table_name = 'tasks' then
        delete from task_plan_counts;
        delete from task_count_deltas where tx = txid_current() and scope = 'plan';
      else
        delete from task_unit_counts;
        delete from task_count_deltas where tx = txid_current() and scope = 'unit';
      end if;
      return null;
    end
  $$`).execute(db);

  await raw(`create trigger task_counts_tasks_insert after insert on tasks
    for each row execute function task_counts_note_task()`).execute(db);
  await raw(`create trigger task_counts_tasks_update after update of id, plan_id, stage, due_date on tasks
    for each row when (old.id is distinct from new.id or old.plan_id is distinct from new.plan_id
      or old.stage is distinct from new.stage or old.due_date is distinct from new.due_date)
    execute function task_counts_note_task()`).execute(db);
  await raw(`create trigger task_counts_tasks_delete before delete on tasks
    for each row execute function task_counts_note_task()`).execute(db);
  await raw(`create trigger task_counts_tasks_truncate after truncate on tasks
    for each statement execute function task_counts_truncated()`).execute(db);
  await raw(`create trigger task_counts_units_change after insert or update or delete on task_units
    for each row execute function task_counts_note_task_unit()`).execute(db);
  await raw(`create trigger task_counts_units_truncate after truncate on task_units
    for each statement execute function task_counts_truncated()`).execute(db);
  await raw(`create constraint trigger task_counts_flush after insert on task_count_flushes
    deferrable initially deferred
    for each row execute function task_counts_flush()`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (dialectOf(db) === 'postgres') {
    for (const [trigger, table] of [
      ['task_counts_tasks_insert', 'tasks'],
      ['task_counts_tasks_update', 'tasks'],
      ['task_counts_tasks_delete', 'tasks'],
      ['task_counts_tasks_truncate', 'tasks'],
      ['task_counts_units_change', 'task_units'],
      ['task_counts_units_truncate', 'task_units'],
    ] as const) {
      await raw(`drop trigger if exists ${trigger} on ${table}`).execute(db);
    }
    await db.schema.dropTable('task_count_flushes').ifExists().execute(); // drops its flush trigger
    await db.schema.dropTable('task_count_deltas').ifExists().execute();
    for (const fn of ['task_counts_note_task()', 'task_counts_note_task_unit()', 'task_counts_flush()', 'task_counts_truncated()']) {
      await raw(`drop function if exists ${fn}`).execute(db);
    }
  } else {
    for (const trigger of SQLITE_TRIGGERS) await raw(`drop trigger if exists ${trigger}`).execute(db);
  }
  await db.schema.dropTable('task_unit_counts').ifExists().execute();
  await db.schema.dropTable('task_plan_counts').ifExists().execute();
}
