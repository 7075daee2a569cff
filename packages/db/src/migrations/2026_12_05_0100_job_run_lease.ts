import type { Kysely } from 'kysely';

// Frozen in time: this migration uses Kysely<any>, never the application's Database type.
/* eslint-disable @typescript-eslint/no-explicit-any */

// The daily job works in short transactions, a page of tasks each (issue 15): its job_runs row is
// a lease instead of a claim held open for the whole run.
//
//   job_runs.owner         the run (one process's token) that holds the lease
//   job_runs.heartbeat_at  when the owner last saved progress; an older one than the lease lets
//                          another process take the run over where it stopped
//   job_runs.progress      JSON: how far the run got (its task cursor and counts), saved in the
//                          same transaction as that page's notifications — so a page is done once
export async function up(db: Kysely<any>): Promise<void> {
  for (const column of ['owner', 'heartbeat_at', 'progress']) {
    await db.schema.alterTable('job_runs').addColumn(column, 'text').execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const column of ['progress', 'heartbeat_at', 'owner']) {
    await db.schema.alterTable('job_runs').dropColumn(column).execute();
  }
}
