import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { createAuditGuards, dialectOf, dropAuditGuards, sequenceColumn } from '../dialect.js';

// Frozen in time: this migration uses Kysely<any>, never the application's Database type.
/* eslint-disable @typescript-eslint/no-explicit-any */

const GENESIS_HASH = '0'.repeat(64);

export async function up(db: Kysely<any>): Promise<void> {
  const dialect = dialectOf(db);

  await db.schema
    .createTable('units')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('short_name', 'text')
    .addColumn('aliases', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('parent_id', 'text', (c) => c.references('units.id'))
    .addColumn('kind', 'text', (c) =>
      c.notNull().check(sql`kind in ('office','department','street','company','other')`),
    )
    .addColumn('sort_order', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('unit_groups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('aliases', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('unit_group_members')
    .addColumn('group_id', 'text', (c) => c.notNull().references('unit_groups.id').onDelete('cascade'))
    .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('unit_group_members_pk', ['group_id', 'unit_id'])
    .execute();
  await db.schema.createIndex('unit_group_members_unit_idx').on('unit_group_members').column('unit_id').execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) =>
      c.notNull().check(sql`role in ('liaison','office','leader','evaluator','auditor','sysadmin','secadmin')`),
    )
    .addColumn('unit_id', 'text', (c) => c.references('units.id'))
    .addColumn('phone_enc', 'text')
    .addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failed_login_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'text')
    .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('totp_secret_enc', 'text')
    .addColumn('password_changed_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.createIndex('users_unit_idx').on('users').column('unit_id').execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('client_ip', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute();

  await db.schema
    .createTable('plans')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('doc_number', 'text')
    .addColumn('issuer', 'text')
    .addColumn('issued_on', 'text')
    .addColumn('source_text', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_by', 'text', (c) => c.references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('plans_created_at_idx').on('plans').column('created_at').execute();

  await db.schema
    .createTable('phases')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('plan_id', 'text', (c) => c.notNull().references('plans.id').onDelete('cascade'))
    .addColumn('ordinal', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('start_month', 'text')
    .addColumn('end_month', 'text')
    .addColumn('stage', 'text')
    .addColumn('duties', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
  await db.schema.createIndex('phases_plan_idx').on('phases').columns(['plan_id', 'ordinal']).execute();

  await db.schema
    .createTable('tasks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('plan_id', 'text', (c) => c.notNull().references('plans.id'))
    .addColumn('ordinal', 'integer', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('heading', 'text')
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('lead_unit_id', 'text', (c) => c.references('units.id'))
    .addColumn('deadline_text', 'text')
    .addColumn('due_date', 'text')
    .addColumn('targets', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('stage', 'text', (c) =>
      c.notNull().check(sql`stage in ('deploy','handle','inspect','summarize','evaluate','done','terminated')`),
    )
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('round', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('snapshot', 'text', (c) => c.notNull())
    .addColumn('machine_version', 'integer', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('tasks_plan_ordinal_idx').on('tasks').columns(['plan_id', 'ordinal', 'id']).execute();
  await db.schema.createIndex('tasks_stage_idx').on('tasks').columns(['stage', 'due_date']).execute();
  await db.schema.createIndex('tasks_due_date_idx').on('tasks').column('due_date').execute();
  await db.schema.createIndex('tasks_lead_unit_idx').on('tasks').column('lead_unit_id').execute();

  await db.schema
    .createTable('task_units')
    .addColumn('task_id', 'text', (c) => c.notNull().references('tasks.id').onDelete('cascade'))
    .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('relation', 'text', (c) => c.notNull().check(sql`relation in ('lead','co')`))
    .addPrimaryKeyConstraint('task_units_pk', ['task_id', 'unit_id'])
    .execute();
  await db.schema.createIndex('task_units_unit_idx').on('task_units').columns(['unit_id', 'task_id']).execute();

  await db.schema
    .createTable('submissions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('task_id', 'text', (c) => c.notNull().references('tasks.id'))
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('round', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) =>
      c.notNull().check(
        sql`kind in ('handling_plan','completion','contribution','inspection','rectification','summary','progress','extension','other')`,
      ),
    )
    .addColumn('unit_id', 'text', (c) => c.references('units.id'))
    .addColumn('user_id', 'text', (c) => c.references('users.id'))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('resolution_class', 'text', (c) => c.check(sql`resolution_class in ('A','B','C')`))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('submissions_task_idx').on('submissions').columns(['task_id', 'created_at']).execute();

  await db.schema
    .createTable('files')
    .addColumn('sha256', 'text', (c) => c.primaryKey())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('mime', 'text', (c) => c.notNull())
    .addColumn('original_name', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('attachments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('file_sha256', 'text', (c) => c.notNull().references('files.sha256'))
    .addColumn('owner_type', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('attachments_owner_idx').on('attachments').columns(['owner_type', 'owner_id']).execute();
  await db.schema.createIndex('attachments_file_idx').on('attachments').column('file_sha256').execute();

  await db.schema
    .createTable('progress_reports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('task_id', 'text', (c) => c.notNull().references('tasks.id'))
    .addColumn('unit_id', 'text', (c) => c.references('units.id'))
    .addColumn('user_id', 'text', (c) => c.references('users.id'))
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('percent', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('progress_reports_task_idx').on('progress_reports').columns(['task_id', 'period']).execute();

  await db.schema
    .createTable('rectification_items')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('task_id', 'text', (c) => c.notNull().references('tasks.id'))
    .addColumn('round', 'integer', (c) => c.notNull())
    .addColumn('ordinal', 'integer', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open','rectified','closed')`))
    .addColumn('rectification_text', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('rectified_at', 'text')
    .addColumn('closed_at', 'text')
    .addColumn('closed_by', 'text', (c) => c.references('users.id'))
    .execute();
  await db.schema
    .createIndex('rectification_items_task_idx')
    .on('rectification_items')
    .columns(['task_id', 'round', 'ordinal'])
    .execute();

  await db.schema
    .createTable('ratings')
    .addColumn('task_id', 'text', (c) => c.notNull().references('tasks.id'))
    .addColumn('round', 'integer', (c) => c.notNull())
    .addColumn('evaluator_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('rating', 'text', (c) =>
      c.notNull().check(sql`rating in ('satisfied','basically_satisfied','unsatisfied')`),
    )
    .addColumn('comment', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('ratings_pk', ['task_id', 'round', 'evaluator_id'])
    .execute();

  await db.schema
    .createTable('extension_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('task_id', 'text', (c) => c.notNull().references('tasks.id'))
    .addColumn('unit_id', 'text', (c) => c.references('units.id'))
    .addColumn('user_id', 'text', (c) => c.references('users.id'))
    .addColumn('current_due_date', 'text')
    .addColumn('requested_due_date', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending','granted','refused')`))
    .addColumn('decided_by', 'text', (c) => c.references('users.id'))
    .addColumn('decided_at', 'text')
    .addColumn('decision_comment', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('extension_requests_task_idx')
    .on('extension_requests')
    .columns(['task_id', 'created_at'])
    .execute();
  await db.schema.createIndex('extension_requests_status_idx').on('extension_requests').column('status').execute();

  // The audit log: no foreign keys (the evidence must outlive whatever it mentions).
  const seqCol = sequenceColumn(dialect);
  await db.schema
    .createTable('audit_log')
    .addColumn('seq', seqCol.type, seqCol.build)
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor_user_id', 'text')
    .addColumn('actor_username', 'text')
    .addColumn('actor_role', 'text')
    .addColumn('actor_unit_id', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('object_type', 'text')
    .addColumn('object_id', 'text')
    .addColumn('task_id', 'text')
    .addColumn('outcome', 'text', (c) => c.notNull().check(sql`outcome in ('ok','refused','error')`))
    .addColumn('reason_code', 'text')
    .addColumn('from_state', 'text')
    .addColumn('to_state', 'text')
    .addColumn('comment', 'text')
    .addColumn('detail', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('file_hashes', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('client_ip', 'text')
    .addColumn('hash_alg', 'text', (c) => c.notNull().check(sql`hash_alg in ('sha256','sm3')`))
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_log_task_idx').on('audit_log').columns(['task_id', 'seq']).execute();
  await db.schema.createIndex('audit_log_actor_idx').on('audit_log').columns(['actor_user_id', 'seq']).execute();
  await db.schema.createIndex('audit_log_unit_idx').on('audit_log').columns(['actor_unit_id', 'seq']).execute();
  await db.schema.createIndex('audit_log_at_idx').on('audit_log').column('at').execute();
  await db.schema.createIndex('audit_log_action_idx').on('audit_log').columns(['action', 'seq']).execute();

  await db.schema
    .createTable('audit_head')
    .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('seq', seqCol.type, (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
  await db.insertInto('audit_head').values({ id: 1, seq: 0, hash: GENESIS_HASH }).execute();

  await createAuditGuards(db, dialect);
}

export async function down(db: Kysely<any>): Promise<void> {
  const dialect = dialectOf(db);
  await dropAuditGuards(db, dialect);
  for (const table of [
    'audit_head',
    'audit_log',
    'extension_requests',
    'ratings',
    'rectification_items',
    'progress_reports',
    'attachments',
    'files',
    'submissions',
    'task_units',
    'tasks',
    'phases',
    'plans',
    'sessions',
    'users',
    'unit_group_members',
    'unit_groups',
    'units',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
