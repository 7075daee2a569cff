// Supervision (督查督办, issue 7): deadlines, dashboard marks, urging, 督办单, monthly reports,
// statistics, exports, the daily job — and the in-app inbox. Procedures are thin: validate, call a
// service in ../services/supervision/. Each procedure's output is described beside it.
import { ZCalendarMonth } from "@duban/workflow";
import { z } from "zod";
import { answerNotice, discardNotice, draftNotices, issueNotices, noticeFor, noticesFor } from "../services/supervision/notices";
import { dashboard, dashboardRows, taskDeadlines } from "../services/supervision/dashboard";
import { exportBulletin, exportLedger } from "../services/supervision/exports";
import { inboxList, inboxMarkRead, inboxUnreadCount } from "../services/supervision/inbox";
import { createWebhookSender, runDailyJobNow } from "../services/supervision/job";
import { missingReports } from "../services/supervision/reports";
import { computeStats } from "../services/supervision/stats";
import { todayOf } from "../clock";
import { urgeOverdue } from "../services/supervision/urge";
import { authedProcedure, capabilityProcedure, router } from "../trpc";

const id = z.string().min(1).max(64);
const period = ZCalendarMonth;

const readers = capabilityProcedure("supervise");
const overseers = capabilityProcedure("oversee");

export const supervisionRouter = router({
  /**
   * A task's deadlines → { taskId, today, stage, deadlineText,
   *   taskDue: { stage:"handle", due, source:"task"|"phase"|null },
   *   stages: [{ stage, due, source, workdaysLeft, current }],   // every stage, phase fallback
   *   reassign: { until, open, workdays } | null,                // while unsigned: REQUEST_REASSIGN window
   *   marks: TaskMarks }                                         // see services/supervision/marks.ts
   */
  taskDeadlines: authedProcedure.input(z.object({ taskId: id })).query(({ ctx, input }) => taskDeadlines(ctx, input.taskId)),

  /**
   * Dashboard of open tasks (liaisons: their unit's), one plan or all → { today,
   *   open: { count, truncated }, rowLimit,
   *   buckets: [{ key: red|yellow|behind|noReport|signLate|noticeRed|noticeYellow|noticeBlue, label, count, taskIds, truncated, filter }],
   *   rows: [{ taskId, planId, ordinal, path, text, targets, leadUnitId, leadUnitName, stage, status, version,
   *            marks: { due, dueSource, workdaysLeft, deadline: red|yellow|green|none, overdue,
   *                     sign: { reachedAt, due, workdaysLeft, mark } | null,
   *                     behind: { reason: no_report|progress_behind, expectedPercent, percent } | null,
   *                     reportedThisMonth, latestPercent, latestProgress, colour: blue|yellow|red|null, stageDues } }] }
   * `count` is exact; `taskIds` the bucket's `rowLimit` (100) most urgent tasks (most overdue / nearest
   * deadline first), `truncated` when there are more; `rows` those tasks and the `rowLimit` most urgent
   * open tasks (all of them when there are no more). `filter` is task.list's input for the rest (its
   * `overdue` uses tasks.due_date only, the marks also the phase fallback). Computed plan by plan,
   * each plan's part reused until it changes (services/supervision/summary.ts).
   */
  dashboard: readers
    .input(z.object({ planId: id.optional(), unitId: id.optional() }).default({}))
    .query(({ ctx, input }) => dashboard(ctx, input, ctx.config.dashboardRowLimit)),

  /** The dashboard rows (same shape as dashboard.rows) of up to 500 given tasks the reader may read, in document order — a statistic's taskIds */
  rows: readers.input(z.object({ taskIds: z.array(id).max(500) })).query(({ ctx, input }) => dashboardRows(ctx, input)),

  /** Urges every overdue open task the unit leads (each one a task.URGE move, plus one supervision.urgeOverdue record) → { unitId, overdue, urged, failed: [{taskId, message}], taskIds } */
  urgeOverdue: capabilityProcedure("manageNotices")
    .input(z.object({ unitId: id, text: z.string().trim().max(2000).optional() }))
    .mutation(({ ctx, input }) => urgeOverdue(ctx, input)),

  /** Drafts 督办单 from today's marks → { created, updated, skipped, drafts: NoticeView[] } */
  draftNotices: capabilityProcedure("manageNotices")
    .input(z.object({ planId: id.optional() }).default({}))
    .mutation(({ ctx, input }) => draftNotices(ctx, input)),

  /** Issues drafts in one action (numbers 督办〔year〕第N号, audited per task) → { issued, notices: NoticeView[] } */
  issueNotices: capabilityProcedure("manageNotices")
    .input(z.object({ ids: z.array(id).min(1).max(500) }))
    .mutation(({ ctx, input }) => issueNotices(ctx, input)),

  /** Deletes a draft → { id } */
  discardNotice: capabilityProcedure("manageNotices").input(z.object({ id })).mutation(({ ctx, input }) => discardNotice(ctx, input)),

  /** The unit's liaison answers → NoticeView (late: true when after replyDue) */
  answerNotice: capabilityProcedure("answerNotices")
    .input(z.object({ id, text: z.string().trim().min(1, "请填写答复内容").max(20000) }))
    .mutation(({ ctx, input }) => answerNotice(ctx, input)),

  /**
   * 督办单 list, one page newest first (created_at desc, id desc) → { items: NoticeView[], nextCursor, counts }
   *   NoticeView: { id, number, colour, colourLabel, status: draft|issued|answered, taskId, taskPath, taskText, unitId,
   *     unitName, facts, replyDue, createdAt, issuedAt, answerText, answeredAt, late, officeName, actions }
   *   nextCursor: the next page's `cursor`, null on the last page
   *   counts: { draft, issued, answered, late } — every status's count (whatever `status` asks) under the
   *     same unit/task scoping; late: issued, unanswered and past replyDue today
   * Liaisons: their unit's, never drafts (items and counts alike).
   */
  notices: readers
    .input(
      z
        .object({
          status: z.enum(["draft", "issued", "answered"]).optional(),
          unitId: id.optional(),
          taskId: id.optional(),
          cursor: z.string().max(500).nullish(),
          limit: z.number().int().min(1).max(200).default(50),
        })
        .default({ limit: 50 }),
    )
    .query(({ ctx, input }) => noticesFor(ctx, input)),

  /** One 督办单 → NoticeView (the print page); one the reader may not see in the list: NOT_FOUND 督办单 */
  notice: readers.input(z.object({ id })).query(({ ctx, input }) => noticeFor(ctx, input)),

  /** 月调度 → { period, total, units: [{ unitId, unitName, count, tasks: [{taskId, path, text}], filter }] } (liaisons: their unit) */
  missingReports: readers
    .input(z.object({ period, planId: id.optional(), unitId: id.optional() }))
    .query(({ ctx, input }) => missingReports(ctx, input)),

  /**
   * Statistics → { today, planId, total, open,
   *   byStage: [{ stage, label, count, filter }],
   *   rowLimit,                                                    // taskIds below hold at most this many (truncated: more exist)
   *   onTime: { completed, completedOnTime, rate (0..1 | null), taskIds, truncated },
   *   overdue: { count, taskIds, truncated, filter },                // most overdue first
   *   returns: { total, byReason: [{ reason, label, count }], byUnit: [{ unitId, unitName, count, filter }] },
   *   avgDaysPerStage: [{ stage, label, days | null, samples }],
   *   resolutionClasses: [{ class: A|B|C, label, count, taskIds, truncated }], evaluation: [{ rating, label, votes }],
   *   missingReports: { period, total },
   *   units: [{ rank, unitId, unitName, lead, co, open, completed, completedOnTime, onTimeRate, overdue, returns,
   *             missingReports, filters: { all, overdue } }] }      // the bulletin's ranking table
   */
  stats: overseers
    .input(z.object({ planId: id.optional() }).default({}))
    .query(({ ctx, input }) => computeStats(ctx, { planId: input.planId, today: todayOf(ctx), limit: ctx.config.dashboardRowLimit })),

  /** Task ledger (台账) as .xlsx → { filename, mime, base64 } */
  exportLedger: overseers.input(z.object({ planId: id })).mutation(({ ctx, input }) => exportLedger(ctx, input)),

  /** 季通报 as .docx → { filename, mime, base64 } */
  exportBulletin: capabilityProcedure("exportBulletin")
    .input(z.object({ planId: id, quarter: z.string().regex(/^\d{4}Q[1-4]$/, "季度格式应为 2026Q3") }))
    .mutation(({ ctx, input }) => exportBulletin(ctx, input)),

  /** Runs today's deadline warnings now (a no-op if they already ran today) → DailyJobResult */
  runDailyJob: capabilityProcedure("manageNotices").mutation(({ ctx }) =>
    runDailyJobNow(ctx, ctx.config.webhookUrl ? createWebhookSender(ctx.config.webhookUrl) : null),
  ),
});

export const inboxRouter = router({
  /** → { items: [{ id, kind, taskId, title, body, createdAt, readAt, toUnit }], nextCursor, unread } */
  list: authedProcedure
    .input(z.object({ unreadOnly: z.boolean().optional(), limit: z.number().int().min(1).max(200).default(50), cursor: z.string().max(200).nullish() }).default({ limit: 50 }))
    .query(({ ctx, input }) => inboxList(ctx, input)),
  /** → { unread } */
  unreadCount: authedProcedure.query(({ ctx }) => inboxUnreadCount(ctx)),
  /** Marks the given messages (or all) read → { changed, unread } */
  markRead: authedProcedure
    .input(z.object({ ids: z.array(id).max(500).optional() }).default({}))
    .mutation(({ ctx, input }) => inboxMarkRead(ctx, input)),
});
