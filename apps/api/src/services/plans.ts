// Plans: listing, the plan view, creating a plan with its tasks, and importing a plan document.
import {
  createPlan,
  getPlan,
  getUnitsByIds,
  inTransaction,
  insertTasks,
  countOverdueTasks,
  listPlans,
  listUnitGroupMemberIds,
  listUnitGroups,
  listUnits,
  PLAN_SOURCE_KINDS,
  type DbOrTrx,
} from "@duban/db";
import { parsePlanDocument, type ParsedPlan, type PlanDocument, type UnitRegistry } from "@duban/plan-import";
import { describeTask, hasVisibleText, persistTask, startTask, ZCalendarDate, ZCalendarMonth, WORK_STAGES } from "@duban/workflow";
import { z } from "zod";
import type { Context, InnerContext, SessionUser } from "../context";
import { AppError, notFound } from "../errors";
import { readsAnyTask } from "./access";
import { recordAudit } from "./audit";
import { todayOf } from "../clock";
import { effectiveDueDate, planDuesOf } from "./deadlines";
import { foldPlans } from "./supervision/summary";

type Authed = Context & { session: SessionUser };

const month = ZCalendarMonth;
const date = ZCalendarDate;
const stage = z.enum(WORK_STAGES);

/** A plan as the office confirms it: every task assigned to concrete units. */
export const ZPlanDraft = z.object({
  title: z.string().trim().min(1, "请填写方案标题").max(300).refine(hasVisibleText, "请填写方案标题"),
  docNumber: z.string().trim().max(100).nullish(),
  issuer: z.string().trim().max(200).nullish(),
  date: date.nullish(),
  sourceText: z.string().max(2_000_000).optional(),
  /** 立项 source: a plan document, or by hand from a 领导批示, a 会议议定事项 or a 建议提案. */
  sourceKind: z.enum(PLAN_SOURCE_KINDS as ["document", "instruction", "meeting", "proposal"]).optional(),
  /** The source's reference as written (批示件号, 会议名称 and date, 提案号). */
  sourceRef: z.string().trim().max(300).nullish(),
  phases: z
    .array(z.object({ name: z.string().trim().min(1).max(100), start: month.nullish(), end: month.nullish(), stage: stage.nullish(), duties: z.array(z.string().max(2000)).max(50).optional() }))
    .max(20),
  tasks: z
    .array(
      z.object({
        path: z.array(z.string().max(20)).max(8),
        heading: z.string().max(500).nullish(),
        text: z.string().trim().min(1, "任务内容不能为空").max(20_000).refine(hasVisibleText, "任务内容不能为空"),
        leadUnitId: z.string().min(1, "请为每项任务指定牵头单位").max(64),
        coUnitIds: z.array(z.string().min(1).max(64)).max(200),
        /** Unit groups (各街道办事处 …) whose current members become co-units when the task is assigned. */
        coUnitGroupIds: z.array(z.string().min(1).max(64)).max(20).optional(),
        deadlineText: z.string().max(100).nullish(),
        dueDate: date.nullish(),
        targets: z.array(z.object({ text: z.string().max(200), value: z.number(), unit: z.string().max(20), comparator: z.string().max(8) })).max(50).optional(),
      }),
    )
    .min(1, "方案至少包含一项任务")
    .max(2000),
});
export type PlanDraft = z.infer<typeof ZPlanDraft>;

export async function listPlansFor(ctx: Authed) {
  if (!readsAnyTask(ctx.session.user)) throw new AppError("FORBIDDEN", "您的角色不能查看工作方案");
  const today = todayOf(ctx);
  const plans = await listPlans(ctx.db, { today, withOverdue: false });
  // Overdue counts per plan, kept per (plan, day) until the plan changes (summary.ts): counting
  // every plan's overdue tasks on each call grows with the number of open tasks.
  const overdue = new Map<string, number>();
  await foldPlans(
    ctx.db,
    { key: "plan-overdue", today },
    async (planId) => ({ planId, n: await countOverdueTasks(ctx.db, planId, today) }),
    (part) => overdue.set(part.planId, part.n),
  );
  return plans.map((p) => ({
    id: p.id,
    title: p.title,
    docNumber: p.doc_number,
    issuer: p.issuer,
    issuedOn: p.issued_on,
    createdAt: p.created_at,
    sourceKind: p.source_kind,
    sourceRef: p.source_ref,
    taskCount: p.task_count,
    stageCounts: p.stage_counts,
    overdueCount: overdue.get(p.id) ?? 0,
  }));
}

export async function getPlanDetail(ctx: Authed, planId: string) {
  if (!readsAnyTask(ctx.session.user)) throw new AppError("FORBIDDEN", "您的角色不能查看工作方案");
  const plan = await getPlan(ctx.db, planId);
  if (plan === undefined) throw notFound("工作方案");
  const [summary] = await listPlans(ctx.db, { today: todayOf(ctx), planId });
  return {
    id: plan.id,
    title: plan.title,
    docNumber: plan.doc_number,
    issuer: plan.issuer,
    issuedOn: plan.issued_on,
    createdAt: plan.created_at,
    sourceKind: plan.source_kind,
    sourceRef: plan.source_ref,
    phases: plan.phases.map((p) => ({ name: p.name, start: p.start_month, end: p.end_month, stage: p.stage, duties: p.duties })),
    taskCount: summary?.task_count ?? 0,
    stageCounts: summary?.stage_counts ?? null,
    overdueCount: summary?.overdue_count ?? 0,
  };
}

/** Creates the plan and all its tasks in the deploy stage, with ONE audit record. */
export async function createPlanFromDraft(ctx: InnerContext & { session: SessionUser | null; request?: Context["request"] }, given: PlanDraft, source: "manual" | "import") {
  return inTransaction(ctx.db, async (trx) => {
    const draft = await expandUnitGroups(trx, given);
    const unitIds = new Set(draft.tasks.flatMap((t) => [t.leadUnitId, ...t.coUnitIds]));
    const known = await getUnitsByIds(trx, [...unitIds]);
    if (known.length !== unitIds.size) {
      const missing = [...unitIds].filter((id) => !known.some((u) => u.id === id));
      throw new AppError("BAD_INPUT", `有 ${missing.length} 个单位不存在，请先在单位管理中创建或重新选择`);
    }
    const at = ctx.clock().toISOString();
    const plan = await createPlan(trx, {
      title: draft.title,
      doc_number: draft.docNumber ?? null,
      issuer: draft.issuer ?? null,
      issued_on: draft.date ?? null,
      source_text: draft.sourceText ?? "",
      source_kind: draft.sourceKind ?? "document",
      source_ref: draft.sourceRef ?? null,
      created_by: ctx.session?.user.id ?? null,
      created_at: at,
      phases: draft.phases.map((p, i) => ({ ordinal: i + 1, name: p.name, start_month: p.start ?? null, end_month: p.end ?? null, stage: p.stage ?? null, duties: p.duties ?? [] })),
    });
    const planDues = planDuesOf(plan.phases);
    const tasks = await insertTasks(
      trx,
      draft.tasks.map((t, i) => {
        const snapshot = startTask({ leadUnitId: t.leadUnitId, coUnitIds: t.coUnitIds, dueDate: t.dueDate ?? null });
        const due = effectiveDueDate({ stage: "deploy", due_date: t.dueDate ?? null }, planDues);
        const d = describeTask(snapshot);
        const persisted = persistTask(snapshot);
        return {
          plan_id: plan.id,
          ordinal: i + 1,
          path: t.path,
          heading: t.heading ?? null,
          text: t.text,
          lead_unit_id: t.leadUnitId,
          co_unit_ids: d.coUnitIds,
          deadline_text: t.deadlineText ?? null,
          due_date: t.dueDate ?? null,
          targets: t.targets ?? [],
          stage: "deploy" as const,
          status: d.status,
          round: d.round,
          snapshot: persisted.snapshot,
          machine_version: persisted.machineVersion,
          created_at: at,
          effective_due_date: due?.due ?? null,
        };
      }),
    );
    await recordAudit(ctx, trx, {
      action: source === "import" ? "plan.import" : "plan.create",
      object_type: "plan",
      object_id: plan.id,
      comment: draft.title,
      detail: {
        docNumber: draft.docNumber ?? null,
        sourceKind: draft.sourceKind ?? "document",
        sourceRef: draft.sourceRef ?? null,
        taskCount: tasks.length,
        taskIds: tasks.map((t) => t.id),
      },
    });
    return { id: plan.id, taskCount: tasks.length };
  });
}

/** Unit groups named on a task become their members as of now (a later change to the group does not move the task). */
async function expandUnitGroups(db: DbOrTrx, draft: PlanDraft): Promise<PlanDraft> {
  const groupIds = [...new Set(draft.tasks.flatMap((t) => t.coUnitGroupIds ?? []))];
  if (groupIds.length === 0) return draft;
  const members = await listUnitGroupMemberIds(db);
  if (groupIds.some((id) => (members.get(id) ?? []).length === 0)) throw new AppError("BAD_INPUT", "所选单位组不存在或没有成员");
  return {
    ...draft,
    tasks: draft.tasks.map(({ coUnitGroupIds, ...t }) => ({
      ...t,
      coUnitIds: [...new Set([...t.coUnitIds, ...(coUnitGroupIds ?? []).flatMap((g) => members.get(g) ?? [])])].filter((u) => u !== t.leadUnitId),
    })),
  };
}

/** The unit registry the importer matches names against: units with aliases, groups with members. */
export async function loadUnitRegistry(db: DbOrTrx): Promise<UnitRegistry> {
  const units = await listUnits(db);
  const groups = await listUnitGroups(db);
  const members = await listUnitGroupMemberIds(db);
  return {
    units: units.map((u) => ({ id: u.id, name: u.name, aliases: [...u.aliases, ...(u.short_name ? [u.short_name] : [])] })),
    groups: groups.map((g) => ({ id: g.id, name: g.name, aliases: g.aliases, unitIds: members.get(g.id) ?? [] })),
  };
}

/** Parses a document against the registry: the office reviews and corrects this before confirming. */
export async function previewImport(ctx: InnerContext, doc: string | PlanDocument): Promise<ParsedPlan & { sourceText: string }> {
  const registry = await loadUnitRegistry(ctx.db);
  const document = typeof doc === "string" ? { text: doc } : doc;
  return { ...parsePlanDocument(document, { registry }), sourceText: document.text };
}

/** Turns a parsed plan into a draft: units resolved through the registry; unresolved tasks are reported. */
export function draftFromParsed(parsed: ParsedPlan, sourceText: string): { draft: PlanDraft; unassigned: number[] } {
  const idOf = new Map(parsed.units.map((u) => [u.name, u.unitIds]));
  const unassigned: number[] = [];
  const tasks = parsed.tasks.flatMap((t, i) => {
    const lead = t.leadUnits.flatMap((n) => idOf.get(n) ?? []);
    const co = t.responsibleUnits.flatMap((n) => idOf.get(n) ?? []);
    const leadUnitId = lead[0];
    if (leadUnitId === undefined) {
      unassigned.push(i);
      return [];
    }
    return [{
      path: t.path,
      heading: t.heading || null,
      text: t.text,
      leadUnitId,
      coUnitIds: [...new Set([...lead.slice(1), ...co])].filter((id) => id !== leadUnitId),
      deadlineText: t.deadline,
      dueDate: t.dueDate,
      targets: t.targets,
    }];
  });
  return {
    draft: {
      title: parsed.title ?? "未命名工作方案",
      docNumber: parsed.docNumber,
      issuer: parsed.issuer,
      date: parsed.date,
      sourceText,
      phases: parsed.phases.map((p) => ({ name: p.name, start: p.start, end: p.end, stage: p.stage, duties: p.duties.map((d) => `${d.deadline}：${d.text}`) })),
      tasks,
    },
    unassigned,
  };
}
