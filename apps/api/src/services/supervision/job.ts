// The daily deadline job: raises warnings as deadlines approach (yellow) or pass (red), and as
// unsigned tasks run out of signing time. Once per day whatever the number of server processes:
// the run claims its (job, day) row in job_runs inside the same transaction that writes the
// notifications and the run's audit record — the one process whose insert succeeds does the work,
// and a run that crashes rolls its claim back so a restart can do it again.
import { claimJobRun, finishJobRun, inTransaction, insertNotifications, type NewNotification } from "@duban/db";
import { todayOf } from "../../clock";
import type { InnerContext } from "../../context";
import { recordAudit } from "../audit";
import { allTasks, pathLabel, unitNameMap } from "./common";
import { warmSupervision } from "./dashboard";
import { isOpenStage } from "@duban/workflow";
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
}

/** The webhook message lists this many warnings (the first in document order). */
const WEBHOOK_LINES = 50;

export async function runDailyJob(ctx: InnerContext, options: { day?: string; send?: WebhookSender | null } = {}): Promise<DailyJobResult> {
  const day = options.day ?? todayOf(ctx);
  const at = ctx.clock().toISOString();
  const warnings = { yellow: 0, red: 0, signYellow: 0, signRed: 0 };
  const lines: string[] = [];
  const outcome = await inTransaction(ctx.db, async (trx) => {
    if (!(await claimJobRun(trx, DAILY_JOB, day, at))) return { ran: false, notifications: 0 };
    // plan by plan (document order), so that memory holds one plan's tasks and notifications at a time
    const plans = await trx.selectFrom("plans").select("id").orderBy("id").execute();
    let n = 0;
    for (const plan of plans) {
      const tasks = (await allTasks(trx, { planId: plan.id })).filter((t) => isOpenStage(t.stage) && t.lead_unit_id !== null);
      if (tasks.length === 0) continue;
      const marks = await computeMarks({ ...ctx, db: trx }, tasks, day);
      const names = await unitNameMap(trx, tasks.map((t) => t.lead_unit_id));
      const notes: NewNotification[] = [];
      const line = (text: string) => lines.length < WEBHOOK_LINES && lines.push(text);
      for (const task of tasks) {
        const m = marks.get(task.id);
        if (m === undefined) continue;
        const label = `${pathLabel(task.path)} ${task.text.slice(0, 40)}`;
        const unitName = names.get(task.lead_unit_id as string) ?? "";
        if (m.deadline === "red" || m.deadline === "yellow") {
          const red = m.deadline === "red";
          warnings[red ? "red" : "yellow"] += 1;
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
          warnings[red ? "signRed" : "signYellow"] += 1;
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
      n += await insertNotifications(trx, notes);
    }
    await recordAudit(ctx, trx, {
      action: "supervision.dailyJob",
      object_type: "job_run",
      object_id: `${DAILY_JOB}:${day}`,
      detail: { day, ...warnings, notifications: n },
    });
    await finishJobRun(trx, DAILY_JOB, day, { ...warnings, notifications: n }, at);
    return { ran: true, notifications: n };
  });
  let webhook: DailyJobResult["webhook"] = options.send ? "skipped" : "off";
  if (outcome.ran && options.send && lines.length > 0) {
    const content = [`### 督查督办每日预警（${day}）`, `逾期 ${warnings.red} 项，临期 ${warnings.yellow} 项，签收超时 ${warnings.signRed} 项，待签收临期 ${warnings.signYellow} 项。`, ...lines].join("\n");
    try {
      await options.send({ msgtype: "markdown", markdown: { content } });
      webhook = "sent";
    } catch (cause) {
      webhook = "failed";
      ctx.logger.warn({ err: cause }, "daily warning webhook failed");
    }
  }
  return { ran: outcome.ran, day, warnings, notifications: outcome.notifications, webhook };
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
