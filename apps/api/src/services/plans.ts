// Plans: listing, the plan view, creating a plan with its tasks, and importing a plan document.
import {
  createPlan,
  getPlan,
  getUnitsByIds,
  inTransaction,
  insertTasks,
  listPlans,
  listUnitGroupMembers,
  listUnitGroups,
  listUnits,
  type DbOrTrx,
} from "@duban/db";
import { parsePlan, readDocxText, type ParsedPlan, type UnitRegistry } from "@duban/plan-import";
import { describeTask, persistTask, startTask } from "@duban/workflow";
import { z } from "zod";
import type { Context, InnerContext, SessionUser } from "../context";
import { AppError, notFound } from "../errors";
import { readsAnyTask } from "./access";
import { recordAudit } from "./audit";
import { today } from "./tasks";

type Authed = Context & { session: SessionUser };

const month = z.string().regex(/^\d{4}-\d{2}$/, "月份格式应为 YYYY-MM");
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "日期格式应为 YYYY-MM-DD");
const stage = z.enum(["deploy", "handle", "inspect", "summarize", "evaluate"]);

/** A plan as the office confirms it: every task assigned to concrete units. */
export const ZPlanDraft = z.object({
  title: z.string().trim().min(1, "请填写方案标题").max(300),
  docNumber: z.string().trim().max(100).nullish(),
  issuer: z.string().trim().max(200).nullish(),
  date: date.nullish(),
  sourceText: z.string().max(2_000_000).optional(),
  phases: z
    .array(z.object({ name: z.string().trim().min(1).max(100), start: month.nullish(), end: month.nullish(), stage: stage.nullish(), duties: z.array(z.string().max(2000)).max(50).optional() }))
    .max(20),
  tasks: z
    .array(
      z.object({
        path: z.array(z.string().max(20)).max(8),
        heading: z.string().max(500).nullish(),
        text: z.string().trim().min(1, "任务内容不能为空").max(20_000),
        leadUnitId: z.string().min(1, "请为每项任务指定牵头单位").max(64),
        coUnitIds: z.array(z.string().min(1).max(64)).max(200),
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
  const plans = await listPlans(ctx.db, { today: today(ctx) });
  return plans.map((p) => ({
    id: p.id,
    title: p.title,
    docNumber: p.doc_number,
    issuer: p.issuer,
    issuedOn: p.issued_on,
    createdAt: p.created_at,
    taskCount: p.task_count,
    stageCounts: p.stage_counts,
    overdueCount: p.overdue_count,
  }));
}

export async function getPlanDetail(ctx: Authed, planId: string) {
  if (!readsAnyTask(ctx.session.user)) throw new AppError("FORBIDDEN", "您的角色不能查看工作方案");
  const plan = await getPlan(ctx.db, planId);
  if (plan === undefined) throw notFound("工作方案");
  const [summary] = await listPlans(ctx.db, { today: today(ctx), planId });
  return {
    id: plan.id,
    title: plan.title,
    docNumber: plan.doc_number,
    issuer: plan.issuer,
    issuedOn: plan.issued_on,
    createdAt: plan.created_at,
    phases: plan.phases.map((p) => ({ name: p.name, start: p.start_month, end: p.end_month, stage: p.stage, duties: p.duties })),
    taskCount: summary?.task_count ?? 0,
    stageCounts: summary?.stage_counts ?? null,
    overdueCount: summary?.overdue_count ?? 0,
  };
}

/** Creates the plan and all its tasks in the deploy stage, with ONE audit record. */
export async function createPlanFromDraft(ctx: InnerContext & { session: SessionUser | null; request?: Context["request"] }, draft: PlanDraft, source: "manual" | "import") {
  const unitIds = new Set(draft.tasks.flatMap((t) => [t.leadUnitId, ...t.coUnitIds]));
  return inTransaction(ctx.db, async (trx) => {
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
      created_by: ctx.session?.user.id ?? null,
      created_at: at,
      phases: draft.phases.map((p, i) => ({ ordinal: i + 1, name: p.name, start_month: p.start ?? null, end_month: p.end ?? null, stage: p.stage ?? null, duties: p.duties ?? [] })),
    });
    const tasks = await insertTasks(
      trx,
      draft.tasks.map((t, i) => {
        const snapshot = startTask({ leadUnitId: t.leadUnitId, coUnitIds: t.coUnitIds, dueDate: t.dueDate ?? null });
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
        };
      }),
    );
    await recordAudit(ctx, trx, {
      action: source === "import" ? "plan.import" : "plan.create",
      object_type: "plan",
      object_id: plan.id,
      comment: draft.title,
      detail: { docNumber: draft.docNumber ?? null, taskCount: tasks.length, taskIds: tasks.map((t) => t.id) },
    });
    return { id: plan.id, taskCount: tasks.length };
  });
}

/** The unit registry the importer matches names against: units with aliases, groups with members. */
export async function loadUnitRegistry(db: DbOrTrx): Promise<UnitRegistry> {
  const units = await listUnits(db);
  const groups = await listUnitGroups(db);
  return {
    units: units.map((u) => ({ id: u.id, name: u.name, aliases: [...u.aliases, ...(u.short_name ? [u.short_name] : [])] })),
    groups: await Promise.all(
      groups.map(async (g) => ({ id: g.id, name: g.name, aliases: g.aliases, unitIds: (await listUnitGroupMembers(db, g.id)).map((m) => m.id) })),
    ),
  };
}

export async function documentText(input: { text?: string | undefined; docxBase64?: string | undefined }): Promise<string> {
  if (input.text !== undefined) return input.text;
  if (input.docxBase64 === undefined) throw new AppError("BAD_INPUT", "请粘贴方案文本或上传 Word 文件");
  try {
    return await readDocxText(Buffer.from(input.docxBase64, "base64"));
  } catch {
    throw new AppError("BAD_INPUT", "无法读取该 Word 文件，请确认是 .docx 格式");
  }
}

/** Parses a document against the registry: the office reviews and corrects this before confirming. */
export async function previewImport(ctx: InnerContext, text: string): Promise<ParsedPlan & { sourceText: string }> {
  const registry = await loadUnitRegistry(ctx.db);
  return { ...parsePlan(text, { registry }), sourceText: text };
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
