import type { Migration } from 'kysely';
import * as m0001 from './2026_11_25_0001_initial.js';
import * as m0100 from './2026_11_25_0100_security.js';
import * as m0200 from './2026_11_25_0200_supervision.js';
import * as m0300 from './2026_11_25_0300_query_indexes.js';
import * as m0400 from './2026_11_25_0400_task_counters.js';
import * as m0500 from './2026_11_25_0500_task_flags.js';
import * as m0600 from './2026_11_25_0600_plan_overdue_index.js';
import * as m1201_0100 from './2026_12_04_0100_task_facts.js';
import * as m0201 from './2026_12_04_0201_contribution_status.js';
import * as m0401 from './2026_12_04_0401_rate_limits.js';
import * as m050401 from './2026_12_04_0501_audit_archive.js';
import * as m0601 from './2026_12_04_0601_auth_generation.js';
import * as m0801 from './2026_12_04_0801_task_tree.js';
import * as m1205_0100 from './2026_12_05_0100_job_run_lease.js';
import * as m1205_0200 from './2026_12_05_0200_unit_count_indexes.js';
import * as m1206_0100 from './2026_12_06_0100_dashboard_ranges.js';
import * as m1207_0100 from './2026_12_07_0100_stats_facts.js';
import * as m1207_0200 from './2026_12_07_0200_audit_filter_indexes.js';
import * as m1208_0100 from './2026_12_08_0100_notice_list_indexes.js';
import * as m1208_0500 from './2026_12_08_0500_task_unit_ordinal.js';

/**
 * Every migration, by name. Names sort in order of application (timestamp prefix).
 * To add one: create `YYYY_MM_DD_NNNN_what.ts` exporting up/down over Kysely<any>, and list it here.
 */
export const migrations: Record<string, Migration> = {
  '2026_11_25_0001_initial': m0001,
  '2026_11_25_0100_security': m0100,
  '2026_11_25_0200_supervision': m0200,
  '2026_11_25_0300_query_indexes': m0300,
  '2026_11_25_0400_task_counters': m0400,
  '2026_11_25_0500_task_flags': m0500,
  '2026_11_25_0600_plan_overdue_index': m0600,
  '2026_12_04_0100_task_facts': m1201_0100,
  '2026_12_04_0201_contribution_status': m0201,
  '2026_12_04_0401_rate_limits': m0401,
  '2026_12_04_0501_audit_archive': m050401,
  '2026_12_04_0601_auth_generation': m0601,
  '2026_12_04_0801_task_tree': m0801,
  '2026_12_05_0100_job_run_lease': m1205_0100,
  '2026_12_05_0200_unit_count_indexes': m1205_0200,
  '2026_12_06_0100_dashboard_ranges': m1206_0100,
  '2026_12_07_0100_stats_facts': m1207_0100,
  '2026_12_07_0200_audit_filter_indexes': m1207_0200,
  '2026_12_08_0100_notice_list_indexes': m1208_0100,
  '2026_12_08_0500_task_unit_ordinal': m1208_0500,
};
