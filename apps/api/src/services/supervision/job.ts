// The daily deadline job: raises warnings as deadlines approach (yellow) or pass (red), and as
// unsigned tasks run out of signing time. Once per day whatever the number of server processes,
// and in bounded memory and short transactions whatever the number of tasks (issue 15):
//   - the run leases its (job, day) row in job_runs: the one process whose insert succeeds works;
//   - it pages through the open tasks in document order; each page's notifications are written in
//     one transaction together with the run's progress (its cursor and counts), so a page is done
//     exactly once;
//   - a run that crashes stops saving progress; once its lease is stale the next try (any process)
//     resumes after the last page done;
//   - the last transaction writes the run's audit record and marks the day done.
import { randomUUID } from "node:crypto";
import { finishJobRun, inTransaction, insertNotifications, leaseJobRun, listTasks, saveJobProgress, type NewNotification } from "@duban/db";
import { todayOf } from "../../clock";
import type { InnerContext } from "../../context";
import { recordAudit } from "../audit";
import { pathLabel, unitNameMap } from "./common";
import { warmSupervision } from "./dashboard";
import { WORK_STAGES } from "@duban/workflow";
import { computeMarks } from "./marks";
import { jobRuns } from "../../metrics";

export const DAILY_JOB = "deadline-warnings";

/** WeCom/DingTalk-style robot message. */
export interface WebhookPayload {
  msgtype: "markdown";
  markdown: { content: string };
}
export type WebhookSender = (payload: WebhookPayload) => Promise<void>;

/** Posts to the configured URL; never used in tests (they inject a sender or none). */
export function createWebhookSender(url: string, fetchImpl: typeof fetch = fetch): WebhookSender {
  return async (payload) => {
    const res = await fetchImpl(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`webhook answered HTTP ${res.status}`);
  };
}

export interface DailyJobResult {
  ran: boolean;
  day: string;
  warnings: { yellow: number; red: number; signYellow: number; signRed: number };
  notifications: number;
  webhook: "sent" | "off" | "failed" | "skipped";
  /** this call's longest transaction (ms): a page of tasks, or the closing one */
  longestTransactionMs: number;
  /** true when this call took over a run another process had left unfinished */
  resumed: boolean;
}

/** The webhook message lists this many warnings (the first in document order). */
const WEBHOOK_LINES = 50;
/** Tasks per page: each page is one short transaction. */
const PAGE_SIZE = 500;
/** An unfinished run whose owner has saved nothing for this long is taken over by the next try. */
const LEASE_MS = 5 * 60_000;

/** What an unfinished run saves with each page (job_runs.progress). */
interface DailyProgress {
  cursor: string | null;
  warnings: DailyJobResult["warnings"];
  notifications: number;
  lines: string[];
}

export async function runDailyJob(
  ctx: InnerContext,
  options: { day?: string; send?: WebhookSender | null; pageSize?: number; leaseMs?: number } = {},
): Promise<DailyJobResult> {
  const day = options.day ?? todayOf(ctx);
  const owner = randomUUID();
  const now = () => ctx.clock().toISOString();
  const started = now();
  const staleBefore = new Date(ctx.clock().getTime() - (options.leaseMs ?? LEASE_MS)).toISOString();
  const lease = await leaseJobRun(ctx.db, DAILY_JOB, day, owner, started, staleBefore);
  const progress: DailyProgress =
    lease.kind === "resumed" && lease.progress !== null
      ? (JSON.parse(lease.progress) as DailyProgress)
      : { cursor: null, warnings: { yellow: 0, red: 0, signYellow: 0, signRed: 0 }, notifications: 0, lines: [] };
  let longestTransactionMs = 0;
  const result = (ran: boolean, webhook: DailyJobResult["webhook"]): DailyJobResult => ({
    ran,
    day,
    warnings: progress.warnings,
    notifications: progress.notifications,
    webhook,
    longestTransactionMs,
    resumed: lease.kind === "resumed",
  });
  if (lease.kind === "finished" || lease.kind === "busy") return result(false, options.send ? "skipped" : "off");
  /** one short transaction; throws if another process took the run over meanwhile */
  const write = async (work: Parameters<typeof inTransaction>[1]) => {
    const t0 = performance.now();
    await inTransaction(ctx.db, work);
    longestTransactionMs = Math.max(longestTransactionMs, performance.now() - t0);
  };
  const lost = () => new Error(`daily job ${day}: another process took the run over`);

  do {
    const at = now();
    const page = await listTasks(ctx.db, { stage: [...WORK_STAGES], cursor: progress.cursor, limit: options.pageSize ?? PAGE_SIZE });
    const tasks = page.items.filter((t) => t.lead_unit_id !== null);
    const marks = await computeMarks(ctx, tasks, day);
    const names = await unitNameMap(ctx.db, tasks.map((t) => t.lead_unit_id));
    const notes: NewNotification[] = [];
    const line = (text: string) => progress.lines.length < WEBHOOK_LINES && progress.lines.push(text);
    for (const task of tasks) {
      const m = marks.get(task.id);
      if (m === undefined) continue;
      const label = `${pathLabel(task.path)} ${task.text.slice(0, 40)}`;
      const unitName = names.get(task.lead_unit_id as string) ?? "";
      if (m.deadline === "red" || m.deadline === "yellow") {
        const red = m.deadline === "red";
        progress.warnings[red ? "red" : "yellow"] += 1;
        const when = red ? `已逾期 ${-(m.workdaysLeft ?? 0)} 个工作日` : `还剩 ${m.workdaysLeft ?? 0} 个工作日`;
        notes.push({
          unit_id: task.lead_unit_id,
          kind: red ? "deadline_red" : "deadline_yellow",
          task_id: task.id,
          title: `${red ? "红色预警" : "黄色预警"}：${label}`,
          body: `办理时限 ${m.due}（${m.dueSource === "phase" ? "按方案阶段" : "任务时限"}），${when}。`,
          created_at: at,
        });
        line(`- ${red ? "🔴" : "🟡"} ${unitName}：${label}（${when}）`);
      }
      if (m.sign !== null && m.sign.mark !== "green") {
        const red = m.sign.mark === "red";
        progress.warnings[red ? "signRed" : "signYellow"] += 1;
        notes.push({
          unit_id: task.lead_unit_id,
          kind: red ? "sign_red" : "sign_yellow",
          task_id: task.id,
          title: `${red ? "逾期未签收" : "请及时签收"}：${label}`,
          body: `签收期限 ${m.sign.due}。`,
          created_at: at,
        });
        line(`- ${red ? "🔴" : "🟡"} ${unitName}：${label}（${red ? "逾期未签收" : "待签收"}）`);
      }
    }
    progress.cursor = page.nextCursor;
    if (page.nextCursor === null) {
      // the last page closes the run in the same transaction: its notifications, the audit record, done
      await write(async (trx) => {
        progress.notifications += await insertNotifications(trx, notes);
        const detail = { day, ...progress.warnings, notifications: progress.notifications };
        await recordAudit(ctx, trx, { action: "supervision.dailyJob", object_type: "job_run", object_id: `${DAILY_JOB}:${day}`, detail });
        if (!(await finishJobRun(trx, DAILY_JOB, day, owner, detail, at))) throw lost();
      });
    } else {
      await write(async (trx) => {
        progress.notifications += await insertNotifications(trx, notes);
        if (!(await saveJobProgress(trx, DAILY_JOB, day, owner, progress, at))) throw lost();
      });
    }
  } while (progress.cursor !== null);

  let webhook: DailyJobResult["webhook"] = options.send ? "skipped" : "off";
  if (options.send && progress.lines.length > 0) {
    const w = progress.warnings;
    const content = [`### 督查督办每日预警（${day}）`, `逾期 ${w.red} 项，临期 ${w.yellow} 项，签收超时 ${w.signRed} 项，待签收临期 ${w.signYellow} 项。`, ...progress.lines].join("\n");
    try {
      await options.send({ msgtype: "markdown", markdown: { content } });
      webhook = "sent";
    } catch (cause) {
      webhook = "failed";
      ctx.logger.warn({ err: cause }, "daily warning webhook failed");
    }
  }
  return result(true, webhook);
}

/**
 * The office's "run now": the day's run when it has not happened yet (its supervision.dailyJob
 * record names the office user), else one supervision.runDailyJob record saying it already ran.
 */
export async function runDailyJobNow(ctx: Parameters<typeof recordAudit>[0] & InnerContext, send: WebhookSender | null): Promise<DailyJobResult> {
  const result = await runDailyJob(ctx, { send });
  if (!result.ran) {
    await recordAudit(ctx, ctx.db, {
      action: "supervision.runDailyJob",
      object_type: "job_run",
      object_id: `${DAILY_JOB}:${result.day}`,
      detail: { day: result.day, ran: false },
    });
  }
  return result;
}

/**
 * Starts the in-process scheduler: tries at start and then every `everyMs` (default 15 minutes);
 * the job_runs claim makes every try after the day's first a no-op. Returns a stop function.
 */
export function startDailyJob(ctx: InnerContext, options: { send?: WebhookSender | null; everyMs?: number } = {}): () => void {
  let running = false;
  let warmedOn: string | null = null;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const r = await runDailyJob(ctx, { send: options.send ?? null });
      jobRuns.inc({ job: "daily_warnings", outcome: r.ran ? "ran" : "skipped" });
      if (r.ran) ctx.logger.info({ day: r.day, ...r.warnings, webhook: r.webhook }, "daily deadline warnings raised");
      // the dashboard's plan parts for the day (after a restart, and when the day changes)
      if (r.ran || warmedOn !== r.day) {
        await warmSupervision(ctx, r.day);
        warmedOn = r.day;
      }
    } catch (cause) {
      jobRuns.inc({ job: "daily_warnings", outcome: "failed" });
      ctx.logger.error({ err: cause }, "daily deadline job failed");
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), options.everyMs ?? 15 * 60_000);
  timer.unref();
  void tick();
  return () => clearInterval(timer);
}
