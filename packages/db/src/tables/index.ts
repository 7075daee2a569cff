import type { AuditHeadTable, AuditLogTable } from './audit.table.js';
import type { ExtensionRequestsTable } from './extension-requests.table.js';
import type { AttachmentsTable, FilesTable } from './files.table.js';
import type { PhasesTable } from './phases.table.js';
import type { PlansTable } from './plans.table.js';
import type { ProgressReportsTable } from './progress-reports.table.js';
import type { RatingsTable } from './ratings.table.js';
import type { RectificationItemsTable } from './rectification-items.table.js';
import type { RoleSecurityTable } from './role-security.table.js';
import type { SessionsTable } from './sessions.table.js';
import type { JobRunsTable, NoticeCountersTable, NotificationsTable, SupervisionNoticesTable } from './supervision.table.js';
import type { SubmissionsTable } from './submissions.table.js';
import type { TaskCountDeltasTable, TaskPlanCountsTable, TaskUnitCountsTable } from './task-counts.table.js';
import type { TasksTable, TaskUnitsTable } from './tasks.table.js';
import type { UnitGroupMembersTable, UnitGroupsTable } from './unit-groups.table.js';
import type { UnitsTable } from './units.table.js';
import type { UsersTable } from './users.table.js';

/** The whole schema, as the application sees it. Migrations never use this type. */
export interface Database {
  units: UnitsTable;
  unit_groups: UnitGroupsTable;
  unit_group_members: UnitGroupMembersTable;
  users: UsersTable;
  sessions: SessionsTable;
  plans: PlansTable;
  phases: PhasesTable;
  tasks: TasksTable;
  task_units: TaskUnitsTable;
  submissions: SubmissionsTable;
  files: FilesTable;
  attachments: AttachmentsTable;
  progress_reports: ProgressReportsTable;
  rectification_items: RectificationItemsTable;
  ratings: RatingsTable;
  extension_requests: ExtensionRequestsTable;
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
  role_security: RoleSecurityTable;
  notifications: NotificationsTable;
  job_runs: JobRunsTable;
  supervision_notices: SupervisionNoticesTable;
  notice_counters: NoticeCountersTable;
  task_plan_counts: TaskPlanCountsTable;
  task_unit_counts: TaskUnitCountsTable;
  /** PostgreSQL only */
  task_count_deltas: TaskCountDeltasTable;
}

export type * from './audit.table.js';
export type * from './extension-requests.table.js';
export type * from './files.table.js';
export type * from './phases.table.js';
export type * from './plans.table.js';
export type * from './progress-reports.table.js';
export type * from './ratings.table.js';
export type * from './rectification-items.table.js';
export type * from './role-security.table.js';
export type * from './sessions.table.js';
export type * from './submissions.table.js';
export type * from './supervision.table.js';
export type * from './task-counts.table.js';
export type * from './tasks.table.js';
export type * from './unit-groups.table.js';
export type * from './units.table.js';
export type * from './users.table.js';
