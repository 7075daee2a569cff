// 督办单 (supervision notices), three colours: blue — deadline near; yellow — behind (no monthly
// report while handling, or reported progress behind the phase); red — overdue. The office drafts
// them from the marks, issues them in one action (numbered 督办〔year〕第N号, audited with the
// task id so they show in the task's history, and sent to the unit's inbox); the unit's liaison
// answers by the reply date.
import {
  answerNotice as answerNoticeRow,
  createNoticeDraft,
  deleteNoticeDraft,
  getNotice,
  getTasksByIds,
  inTransaction,
  listTasks,
  insertNotifications,
  issueNotice as issueNoticeRow,
  countNoticesByStatus,
  listNotices,
  listNoticesOfTasks,
  updateNoticeDraft,
  type NoticeCounts,
  type SupervisionNoticeRow,
  type SupervisionNoticeStatus,
} from "@duban/db";
import { can } from "../../capabilities";
import type { SessionUser } from "../../context";
import { AppError, notFound } from "../../errors";
import { recordAudit } from "../audit";
import { addWorkdays, chineseDate } from "./calendar";
import { pathLabel, scopeUnit, unitNameMap, type Authed } from "./common";
import { dayOfInstant, todayOf } from "../../clock";
import { WORK_STAGES } from "@duban/workflow";
import { computeMarks, type NoticeColour, type TaskMarks } from "./marks";

export const COLOUR_LABELS: Record<NoticeColour, string> = { blue: "蓝色督办单", yellow: "黄色督办单", red: "红色督办单" };

function factsOf(task: { path: string[]; text: string }, m: TaskMarks, colour: NoticeColour): string {
  const head = `任务 ${pathLabel(task.path)}「${task.text.slice(0, 80)}」`;
  switch (colour) {
    case "red":
      return m.overdue
        ? `${head}办理时限为${chineseDate(m.due as string)}，已逾期 ${-(m.workdaysLeft ?? 0)} 个工作日，尚未办结。`
        : `${head}交办后已超过签收期限（${chineseDate(m.sign?.due ?? "")}），仍未签收。`;
    case "yellow":
      return m.behind?.reason === "no_report"
        ? `${head}本月尚未报送办理进度。`
        : `${head}报送进度 ${m.behind?.percent ?? 0}%，按方案进度应达 ${m.behind?.expectedPercent ?? 0}% 左右，进度滞后。`;
    case "blue":
      return m.sign !== null && m.sign.mark === "yellow"
        ? `${head}签收期限为${chineseDate(m.sign.due)}，请及时签收。`
        : `${head}办理时限为${chineseDate(m.due as string)}，还剩 ${m.workdaysLeft ?? 0} 个工作日。`;
  }
}

/** What a user may do with one 督办单: issue or discard a draft (the office), answer an issued one (its unit's liaison). */
export type NoticeAction = "issue" | "discard" | "answer";

/** The one rule for notice actions: the list sends it with every notice, and the procedures check it. */
export function noticeActionsFor(user: SessionUser["user"], notice: Pick<SupervisionNoticeRow, "status" | "unit_id">): NoticeAction[] {
  if (notice.status === "draft") return can(user.role, "manageNotices") ? ["issue", "discard"] : [];
  if (notice.status === "issued" && can(user.role, "answerNotices") && notice.unit_id === user.unit_id) return ["answer"];
  return [];
}

export interface NoticeView {
  id: string;
  number: string | null;
  colour: NoticeColour;
  colourLabel: string;
  status: SupervisionNoticeStatus;
  taskId: string;
  taskPath: string;
  taskText: string;
  unitId: string;
  unitName: string;
  facts: string;
  replyDue: string;
  createdAt: string;
  issuedAt: string | null;
  answerText: string | null;
  answeredAt: string | null;
  /** answered after the reply date, or issued and past it without an answer */
  late: boolean;
  /** the issuing office's full name, as the 督办单 is signed (领导小组办公室 in full) */
  officeName: string;
  /** what the signed-in user may do with it (`noticeActionsFor`) */
  actions: NoticeAction[];
}

/** The full name of the supervising office (the unit of kind `office`). */
async function officeNameOf(ctx: Authed): Promise<string> {
  const office = await ctx.db.selectFrom("units").select("name").where("kind", "=", "office").orderBy("sort_order").limit(1).executeTakeFirst();
  return office?.name ?? "领导小组办公室";
}

async function toViews(ctx: Authed, rows: SupervisionNoticeRow[]): Promise<NoticeView[]> {
  const tasks = new Map((await allTasksByIds(ctx, rows.map((r) => r.task_id))).map((t) => [t.id, t]));
  const names = await unitNameMap(ctx.db, rows.map((r) => r.unit_id));
  const officeName = rows.length > 0 ? await officeNameOf(ctx) : "";
  const today = todayOf(ctx);
  return rows.map((r) => {
    const task = tasks.get(r.task_id);
    return {
      id: r.id,
      number: r.number,
      colour: r.colour,
      colourLabel: COLOUR_LABELS[r.colour],
      status: r.status,
      taskId: r.task_id,
      taskPath: task ? pathLabel(task.path) : "",
      taskText: task?.text ?? "",
      unitId: r.unit_id,
      unitName: names.get(r.unit_id) ?? r.unit_id,
      facts: r.facts,
      replyDue: r.reply_due,
      createdAt: r.created_at,
      issuedAt: r.issued_at,
      answerText: r.answer_text,
      answeredAt: r.answered_at,
      late: r.status === "answered" ? r.answered_at !== null && dayOfInstant(ctx, r.answered_at) > r.reply_due : r.status === "issued" && today > r.reply_due,
      officeName,
      actions: noticeActionsFor(ctx.session.user, r),
    };
  });
}

function allTasksByIds(ctx: Authed, ids: string[]) {
  return getTasksByIds(ctx.db, [...new Set(ids)]);
}

/** draftNotices pages through the open tasks this many at a time, one short transaction each. */
const DRAFT_PAGE = 500;
/** draftNotices answers with at most this many of the drafts it touched (the counts cover all). */
const DRAFTS_SHOWN = 500;

/**
 * Drafts a notice for every open task whose marks call for one. A task with a draft already gets
 * it updated (colour, facts); a task with an unanswered issued notice of the same colour is skipped.
 * Page by page in document order, so memory and each transaction hold one page whatever the
 * number of tasks; each page's writes and its audit record commit together (a run with nothing
 * to write records one audit record with zeros).
 */
export async function draftNotices(ctx: Authed, input: { planId?: string | undefined }, options: { pageSize?: number } = {}) {
  const pageSize = options.pageSize ?? DRAFT_PAGE;
  const today = todayOf(ctx);
  const replyDue = addWorkdays(today, ctx.config.noticeReplyWorkdays);
  let created = 0;
  let updated = 0;
  let skipped = 0;
  let audited = false;
  const shownTaskIds: string[] = [];
  let cursor: string | null = null;
  let pageNo = 0;
  do {
    const page = await listTasks(ctx.db, { stage: [...WORK_STAGES], ...(input.planId ? { planId: input.planId } : {}), cursor, limit: pageSize });
    cursor = page.nextCursor;
    pageNo += 1;
    const tasks = page.items.filter((t) => t.lead_unit_id !== null);
    const marks = await computeMarks(ctx, tasks, today);
    const wanted = tasks.filter((t) => marks.get(t.id)?.colour != null);
    if (wanted.length === 0 && (cursor !== null || audited)) continue;
    const existing = new Map<string, SupervisionNoticeRow[]>();
    for (const n of await listNoticesOfTasks(ctx.db, wanted.map((t) => t.id))) existing.set(n.task_id, [...(existing.get(n.task_id) ?? []), n]);
    await inTransaction(ctx.db, async (trx) => {
      const counts = { created: 0, updated: 0, skipped: 0 };
      for (const task of wanted) {
        const m = marks.get(task.id) as TaskMarks;
        const colour = m.colour as NoticeColour;
        const mine = existing.get(task.id) ?? [];
        if (mine.some((n) => n.status === "issued" && n.colour === colour)) {
          counts.skipped += 1;
          continue;
        }
        const facts = factsOf(task, m, colour);
        const draft = mine.find((n) => n.status === "draft");
        if (draft) {
          await updateNoticeDraft(trx, draft.id, { colour, facts, reply_due: replyDue });
          counts.updated += 1;
        } else {
          await createNoticeDraft(trx, {
            colour,
            task_id: task.id,
            unit_id: task.lead_unit_id as string,
            facts,
            reply_due: replyDue,
            created_by: ctx.session.user.id,
            created_at: ctx.clock().toISOString(),
          });
          counts.created += 1;
        }
        if (shownTaskIds.length < DRAFTS_SHOWN) shownTaskIds.push(task.id);
      }
      await recordAudit(ctx, trx, {
        action: "supervision.draftNotices",
        object_type: "supervision_notice",
        object_id: input.planId ?? null,
        detail: { planId: input.planId ?? null, ...counts, ...(pageNo > 1 || cursor !== null ? { page: pageNo } : {}) },
      });
      created += counts.created;
      updated += counts.updated;
      skipped += counts.skipped;
    });
    audited = true;
  } while (cursor !== null);
  const drafts = await listNoticesOfTasks(ctx.db, shownTaskIds, { status: "draft" });
  return { created, updated, skipped, drafts: await toViews(ctx, drafts) };
}

/** Issues drafts in one action: one number each, one audit record each (with task_id), inbox messages. */
export async function issueNotices(ctx: Authed, input: { ids: string[] }) {
  const at = ctx.clock().toISOString();
  const today = todayOf(ctx);
  const year = Number(today.slice(0, 4));
  const replyDue = addWorkdays(today, ctx.config.noticeReplyWorkdays);
  const issued = await inTransaction(ctx.db, async (trx) => {
    const out: SupervisionNoticeRow[] = [];
    for (const id of [...new Set(input.ids)]) {
      const row = await issueNoticeRow(trx, id, { year, issued_by: ctx.session.user.id, at, reply_due: replyDue });
      if (row === null) throw new AppError("CONFLICT", "所选督办单已签发或不存在，请刷新后重试");
      await recordAudit(ctx, trx, {
        action: "supervision.issueNotice",
        object_type: "supervision_notice",
        object_id: row.id,
        task_id: row.task_id,
        comment: `${row.number ?? ""} ${COLOUR_LABELS[row.colour]}：${row.facts}`.slice(0, 2000),
        detail: { number: row.number, colour: row.colour, unitId: row.unit_id, replyDue: row.reply_due },
      });
      out.push(row);
    }
    await insertNotifications(
      trx,
      out.map((r) => ({
        unit_id: r.unit_id,
        kind: "notice_issued",
        task_id: r.task_id,
        title: `${COLOUR_LABELS[r.colour]} ${r.number ?? ""}`,
        body: `${r.facts} 请于${chineseDate(r.reply_due)}前书面答复。`,
        created_at: at,
      })),
    );
    return out;
  });
  return { issued: issued.length, notices: await toViews(ctx, issued) };
}

/** The unit's liaison answers an issued notice (after the reply date it is accepted and marked late). */
export async function answerNotice(ctx: Authed, input: { id: string; text: string }) {
  const user = ctx.session.user;
  const at = ctx.clock().toISOString();
  const row = await inTransaction(ctx.db, async (trx) => {
    const notice = await getNotice(trx, input.id);
    if (notice === undefined || notice.unit_id !== user.unit_id) throw notFound("督办单");
    if (!noticeActionsFor(user, notice).includes("answer")) throw new AppError("CONFLICT", notice.status === "answered" ? "该督办单已答复" : "该督办单尚未签发");
    const answered = await answerNoticeRow(trx, notice.id, { text: input.text, answered_by: user.id, at });
    if (answered === null) throw new AppError("CONFLICT", "该督办单已答复");
    const late = dayOfInstant(ctx, at) > notice.reply_due;
    await recordAudit(ctx, trx, {
      action: "supervision.answerNotice",
      object_type: "supervision_notice",
      object_id: notice.id,
      task_id: notice.task_id,
      comment: input.text.slice(0, 2000),
      detail: { number: notice.number, colour: notice.colour, replyDue: notice.reply_due, late },
    });
    if (notice.issued_by !== null) {
      await insertNotifications(trx, [
        { user_id: notice.issued_by, kind: "notice_answered", task_id: notice.task_id, title: `${notice.number ?? "督办单"} 已答复${late ? "（逾期）" : ""}`, body: input.text.slice(0, 500), created_at: at },
      ]);
    }
    return answered;
  });
  return (await toViews(ctx, [row]))[0] as NoticeView;
}

export async function discardNotice(ctx: Authed, input: { id: string }) {
  await inTransaction(ctx.db, async (trx) => {
    const notice = await getNotice(trx, input.id);
    const allowed = notice !== undefined && noticeActionsFor(ctx.session.user, notice).includes("discard");
    if (!allowed || !(await deleteNoticeDraft(trx, input.id))) throw new AppError("CONFLICT", "只能删除未签发的督办单草稿");
    await recordAudit(ctx, trx, {
      action: "supervision.discardNotice",
      object_type: "supervision_notice",
      object_id: notice.id,
      detail: { colour: notice.colour, taskId: notice.task_id, unitId: notice.unit_id },
    });
  });
  return { id: input.id };
}

/** The statuses a reader may see: drafts are the office's working copies, seen by those who oversee every unit, never by a unit. */
function visibleStatuses(ctx: Authed): SupervisionNoticeStatus[] {
  return can(ctx.session.user.role, "oversee") ? ["draft", "issued", "answered"] : ["issued", "answered"];
}

export interface NoticePageView {
  items: NoticeView[];
  /** the next page's `cursor`; null on the last page */
  nextCursor: string | null;
  /** the tabs' counts per status (`late`: issued, unanswered, past the reply date) under the same scoping (unit, task; a liaison: its unit's, never drafts), whatever `status` asks */
  counts: NoticeCounts;
}

/**
 * One page of 督办单, newest first. The office, leaders and auditors see every notice; a liaison
 * only their unit's, never drafts — the page and the counts alike.
 */
export async function noticesFor(
  ctx: Authed,
  input: { status?: SupervisionNoticeStatus | undefined; unitId?: string | undefined; taskId?: string | undefined; cursor?: string | null | undefined; limit: number },
): Promise<NoticePageView> {
  const unitId = scopeUnit(ctx, input.unitId);
  const visible = visibleStatuses(ctx);
  const scope = { status: visible, ...(unitId !== undefined ? { unitId } : {}), ...(input.taskId !== undefined ? { taskId: input.taskId } : {}) };
  const counts = await countNoticesByStatus(ctx.db, { ...scope, today: todayOf(ctx) });
  if (input.status !== undefined && !visible.includes(input.status)) return { items: [], nextCursor: null, counts };
  let page: Awaited<ReturnType<typeof listNotices>>;
  try {
    page = await listNotices(ctx.db, { ...scope, ...(input.status !== undefined ? { status: input.status } : {}), cursor: input.cursor ?? null, limit: input.limit });
  } catch (cause) {
    if (cause instanceof Error && cause.message === "invalid notice cursor") throw new AppError("BAD_INPUT", "分页参数无效");
    throw cause;
  }
  return { items: await toViews(ctx, page.items), nextCursor: page.nextCursor, counts };
}

/** One 督办单 (the print page), under the list's visibility: one the reader may not see is not found. */
export async function noticeFor(ctx: Authed, input: { id: string }): Promise<NoticeView> {
  const unitId = scopeUnit(ctx);
  const row = await getNotice(ctx.db, input.id);
  if (row === undefined || !visibleStatuses(ctx).includes(row.status) || (unitId !== undefined && row.unit_id !== unitId)) throw notFound("督办单");
  return (await toViews(ctx, [row]))[0] as NoticeView;
}
