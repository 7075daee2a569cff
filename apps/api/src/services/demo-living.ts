// The demo `pnpm start` shows: plan 000 dated relative to today, so the dashboard tells a story at
// first sight — some tasks red (overdue), some yellow (due within days), most green — and every
// role finds work: tasks in every stage from 部署 to 办结, one in 满意度测评 waiting for ratings,
// a co-unit's part returned, progress reports, a rectification item, an issued 督办单 and an
// answered one. Every move goes through the same services as a user's click (transitionTask,
// the 督办单 services), so the demo is never in a state the app could not reach.
// (The split task at two levels is seeded beside it: services/demo-split.ts, called by demo-seed.ts.)
import { listTasks } from "@duban/db";
import type { TaskCommand } from "@duban/workflow";
import { addCalendarDays } from "@duban/workflow/clock";
import type { Context, InnerContext, SessionUser } from "../context";
import { createPlanFromDraft, draftFromParsed, previewImport } from "./plans";
import { addWorkdays } from "./supervision/calendar";
import { todayOf } from "../clock";
import { answerNotice, draftNotices, issueNotices } from "./supervision/notices";
import { transitionTask } from "./tasks";

type Actor = InnerContext & { session: SessionUser; request: Context["request"] };


const monthOfDate = (date: string) => date.slice(0, 7);

export async function seedLivingDemo(
  ctx: InnerContext,
  asUser: (username: string) => Promise<Actor>,
  text: string,
): Promise<{ planId: string; taskCount: number }> {
  const today = todayOf(ctx);
  const parsed = await previewImport(ctx, text);
  const { draft } = draftFromParsed(parsed, text);

  // Phases around today: 部署 ended last month, 办理 runs until two months from now, then 检查 / 总结 / 测评.
  const phaseWindow: Record<string, [number, number]> = { deploy: [-60, -35], handle: [-30, 60], inspect: [75, 90], summarize: [100, 110], evaluate: [100, 120] };
  draft.phases = draft.phases.map((p) => {
    const w = p.stage ? phaseWindow[p.stage] : undefined;
    return w ? { ...p, start: monthOfDate(addCalendarDays(today, w[0])), end: monthOfDate(addCalendarDays(today, w[1])) } : p;
  });
  // Each task's 完成时限 (by ordinal): red ones past, yellow ones within a few working days, the rest weeks away.
  const due: Record<number, string> = {
    1: addCalendarDays(today, -15),
    2: addWorkdays(today, 2),
    3: addCalendarDays(today, 40),
    4: addCalendarDays(today, -6),
    5: addWorkdays(today, 3),
    6: addCalendarDays(today, 50),
    7: addCalendarDays(today, 30),
    8: addCalendarDays(today, -20),
    9: addCalendarDays(today, 45),
    10: addCalendarDays(today, 55),
    11: addCalendarDays(today, 60),
    12: addCalendarDays(today, 60),
    13: addWorkdays(today, 4),
    14: addCalendarDays(today, 25),
    15: addCalendarDays(today, 20),
    16: addCalendarDays(today, -3),
  };
  draft.tasks = draft.tasks.map((t, i) => ({ ...t, dueDate: due[i + 1] ?? addCalendarDays(today, 45) }));
  const plan = await createPlanFromDraft(await asUser("office"), draft, "import");

  const { items } = await listTasks(ctx.db, { planId: plan.id, limit: 100 });
  const byOrdinal = new Map(items.map((t) => [t.ordinal, t]));
  // the demo liaison of each unit that has one (demo-seed.ts LIAISONS), and the units' names
  const liaisons = await ctx.db.selectFrom("users").select(["username", "unit_id"]).where("role", "=", "liaison").execute();
  const liaisonOf = (unitId: string) => liaisons.find((u) => u.unit_id === unitId)?.username ?? null;
  const unitNames = new Map((await ctx.db.selectFrom("units").select(["id", "name"]).execute()).map((u) => [u.id, u.name] as const));

  const move = async (ordinal: number, username: string, event: TaskCommand) => {
    const current = (await listTasks(ctx.db, { planId: plan.id, limit: 100 })).items.find((t) => t.ordinal === ordinal);
    if (current === undefined) throw new Error(`living demo: task ${ordinal} missing`);
    await transitionTask(await asUser(username), { taskId: current.id, expectedVersion: current.version, event });
  };
  const leadOf = (ordinal: number) => {
    const task = byOrdinal.get(ordinal);
    const lead = task?.lead_unit_id ? liaisonOf(task.lead_unit_id) : null;
    if (lead === null) throw new Error(`living demo: task ${ordinal} has no demo liaison`);
    return lead;
  };
  const coUnitsOf = async (ordinal: number) => {
    const task = byOrdinal.get(ordinal);
    if (task === undefined) return [];
    const rows = await ctx.db.selectFrom("task_units").select(["unit_id", "relation"]).where("task_id", "=", task.id).execute();
    return rows.filter((r) => r.relation !== "lead").map((r) => r.unit_id);
  };

  const deploy = async (ordinal: number, plan: string) => {
    const lead = leadOf(ordinal);
    await move(ordinal, lead, { type: "SIGN" });
    await move(ordinal, lead, { type: "SUBMIT", text: plan });
    await move(ordinal, "office", { type: "APPROVE", comment: "同意按方案推进" });
  };
  /** Every co-unit contributes (or, without a demo liaison, is waived by the office); the lead accepts. */
  const settleContributions = async (ordinal: number) => {
    const lead = leadOf(ordinal);
    for (const unitId of await coUnitsOf(ordinal)) {
      const liaison = liaisonOf(unitId);
      if (liaison === null) {
        await move(ordinal, "office", { type: "WAIVE_CONTRIBUTION", unitId, text: "该单位本阶段无协办事项" });
        continue;
      }
      await move(ordinal, liaison, { type: "SUBMIT_CONTRIBUTION", text: `${unitNames.get(unitId) ?? ""}：已按职责完成配合工作，材料附后。` });
      await move(ordinal, lead, { type: "ACCEPT_CONTRIBUTION", unitId });
    }
  };
  const complete = async (ordinal: number, report: string) => {
    await settleContributions(ordinal);
    await move(ordinal, leadOf(ordinal), { type: "SUBMIT", text: report });
  };
  const toSummary = async (ordinal: number) => {
    await move(ordinal, "office", { type: "APPROVE", comment: "办理结果符合要求" });
    await move(ordinal, "office", { type: "RECORD_INSPECTION", text: "实地抽查，工作台账齐全。", items: [] });
    await move(ordinal, leadOf(ordinal), { type: "SUBMIT", text: "督查情况说明：抽查无问题。" });
    await move(ordinal, "office", { type: "PASS_INSPECTION", comment: "检查通过" });
  };
  const toEvaluation = async (ordinal: number) => {
    await toSummary(ordinal);
    await move(ordinal, leadOf(ordinal), { type: "SUBMIT", text: "办理工作总结：目标全部完成，群众反映良好。", resolutionClass: "A" });
    await move(ordinal, "office", { type: "APPROVE", comment: "同意，提交满意度测评" });
  };

  // 部署: 1 not yet signed (red); 5 plan submitted, waiting for the office (yellow); 6 signed; 7 plan returned.
  await move(5, leadOf(5), { type: "SIGN" });
  await move(5, leadOf(5), { type: "SUBMIT", text: "办理方案：摸清底数，制定改造清单，分批实施。" });
  await move(6, leadOf(6), { type: "SIGN", comment: "已签收，正在研究办理方案" });
  await move(7, leadOf(7), { type: "SIGN" });
  await move(7, leadOf(7), { type: "SUBMIT", text: "办理方案：组织宣贯。" });
  await move(7, "office", { type: "RETURN", toStage: "deploy", reason: "vague_measures", text: "请细化时间节点、责任人和考核方式。" });

  // 办理: progress reports, one co-unit's part returned, one behind, one overdue and urged.
  await deploy(2, "办理方案：联合卫健、应急、市场监管、公安开展养老机构综合监管。");
  await move(2, "wjj", { type: "SUBMIT_CONTRIBUTION", text: "区卫生健康局：已完成辖区养老机构医疗卫生检查 12 家。" });
  await move(2, leadOf(2), { type: "REPORT_PROGRESS", text: "已完成全区养老机构风险隐患排查，整改率 80%。", percent: 80 });
  await deploy(3, "办理方案：落实养老服务补贴资金，按季度拨付。");
  await move(3, "czj", { type: "SUBMIT_CONTRIBUTION", text: "区财政局：第一批资金已拨付。" });
  await move(3, "office", { type: "RETURN_CONTRIBUTION", unitId: (await coUnitsOf(3))[0] ?? "", reason: "incomplete_materials", text: "请补充资金拨付凭证。" });
  await move(3, leadOf(3), { type: "REPORT_PROGRESS", text: "补贴对象已核定，待财政局补充凭证。", percent: 45 });
  await deploy(4, "办理方案：推进社区居家养老服务网络建设。");
  await move(4, leadOf(4), { type: "REPORT_PROGRESS", text: "已建成社区养老服务站 6 个，进度滞后。", percent: 30 });
  await deploy(8, "办理方案：推进农村养老服务设施建设。");
  await move(8, "office", { type: "URGE", text: "该任务已逾期，请于本周内报送办理进展。" });
  await deploy(14, "办理方案：开展养老护理员职业技能培训。");
  await move(14, leadOf(14), { type: "REPORT_PROGRESS", text: "已培训养老护理员 120 人次。", percent: 55 });
  await deploy(16, "办理方案：开展养老领域涉诈专项整治。");
  await move(16, leadOf(16), { type: "REPORT_PROGRESS", text: "已排查养老机构 20 家。", percent: 50 });
  // 办理 completed, waiting for the office's approval (yellow).
  await deploy(13, "办理方案：推进老年教育资源扩容。");
  await complete(13, "完成情况报告：新增老年学校教学点 8 个。");

  // 检查: a leader's inspection with an open rectification item.
  await deploy(9, "办理方案：推进医养结合。");
  await complete(9, "完成情况报告：医养结合机构覆盖率达到 90%。");
  await move(9, "office", { type: "APPROVE", comment: "办理结果符合要求" });
  await move(9, "leader", { type: "RECORD_INSPECTION", text: "实地检查 3 家医养结合机构。", items: ["部分机构医护人员配备不足"] });

  // 总结: summary submitted, waiting for the office.
  await deploy(10, "办理方案：完善老年健康服务体系。");
  await complete(10, "完成情况报告：老年人健康管理率达到 75%。");
  await toSummary(10);
  await move(10, leadOf(10), { type: "SUBMIT", text: "办理工作总结：老年健康服务体系基本建成。", resolutionClass: "B" });

  // 满意度测评: 11 rated by one evaluator of three, 12 waiting for all three.
  for (const ordinal of [11, 12]) {
    await deploy(ordinal, "办理方案：落实长期护理保险制度。");
    await complete(ordinal, "完成情况报告：长期护理保险覆盖全区。");
    await toEvaluation(ordinal);
  }
  await move(11, "evaluator1", { type: "RATE", rating: "satisfied", comment: "服务落实到位" });

  // 办结: through every stage, rated and closed.
  await deploy(15, "办理方案：开展养老服务人才招聘。");
  await complete(15, "完成情况报告：招聘养老服务人才 60 名。");
  await toEvaluation(15);
  for (const evaluator of ["evaluator1", "evaluator2", "evaluator3"]) await move(15, evaluator, { type: "RATE", rating: "satisfied" });
  await move(15, "office", { type: "CLOSE_EVALUATION", comment: "测评满意，办结" });

  // 督办单: drafted from today's marks; the ones for tasks 8 and 16 issued, 16's answered by its unit.
  const office = await asUser("office");
  const drafted = await draftNotices(office, { planId: plan.id });
  const toIssue = drafted.drafts.filter((n) => n.taskId === byOrdinal.get(8)?.id || n.taskId === byOrdinal.get(16)?.id).map((n) => n.id);
  const { notices } = await issueNotices(office, { ids: toIssue });
  const answered = notices.find((n) => n.taskId === byOrdinal.get(16)?.id);
  if (answered !== undefined) await answerNotice(await asUser(leadOf(16)), { id: answered.id, text: "已成立专项整治工作组，本周内完成全部排查并报送结果。" });

  // The split task (cascade, issue 20) is seeded by demo-split.ts, called before this by demo-seed.ts.
  return { planId: plan.id, taskCount: items.length };
}
