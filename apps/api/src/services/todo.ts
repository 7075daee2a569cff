// 我的待办: what waits on the signed-in user, one tab per kind of move. Each tab names the task
// event it waits for; the lifecycle's permission table decides which roles get the tab and, for a
// liaison, whether the unit must lead the task or co-handle it (a co-unit never sees a task under
// 待提交 that only the lead may SUBMIT). Counts are counted by the database, rows are paged.
import { countTasks, type TaskFilters } from "@duban/db";
import { EVENT_PERMISSIONS, WORK_STAGES, type TaskEventType, type UnitRequirement } from "@duban/workflow";
import type { Context, SessionUser } from "../context";
import { AppError } from "../errors";
import { readsAllTasks } from "./access";
import { todayOf } from "../clock";
import { pageOfTasks, summarizeTasks } from "./tasks";

type Authed = Context & { session: SessionUser };
type TabFilter = Omit<TaskFilters, "limit" | "cursor" | "unitId" | "leadUnitId" | "coUnit" | "supervisorUnitId" | "ratedBy" | "today"> & { ratedByMe?: boolean };

interface TodoTabDef {
  key: string;
  label: string;
  /** The move these tasks wait for: who gets the tab, and how a unit must hold the task, follow from EVENT_PERMISSIONS. */
  event: TaskEventType;
  filter: TabFilter;
  /** For co-units: only tasks whose 协办意见 has one of these statuses. */
  contribution?: readonly string[];
  hint: string;
  /** A non-zero count is shown as an alert (red). */
  alert?: boolean;
}

/** Every tab, in the order shown. A role sees those whose event it may send. */
const TODO_TABS: readonly TodoTabDef[] = [
  { key: "signing", label: "待签收", event: "SIGN", filter: { status: "signing" }, hint: "新交办给本单位、尚未签收的任务。" },
  { key: "drafting", label: "待提交", event: "SUBMIT", filter: { status: "drafting" }, hint: "本单位牵头、需要提交办理方案、办结报告或总结的任务。" },
  { key: "returned", label: "被退回", event: "SUBMIT", filter: { status: "returned" }, hint: "被领导小组办公室退回、需要修改后重新提交的任务。", alert: true },
  {
    key: "contribute",
    label: "待协办",
    event: "SUBMIT_CONTRIBUTION",
    filter: { stage: ["handle"] },
    contribution: ["pending", "returned"],
    hint: "本单位作为责任单位、需要提交协办意见的任务。",
  },
  { key: "rectify", label: "整改事项", event: "RECTIFY", filter: { stage: ["inspect"] }, hint: "处于检查阶段的任务，请查看并落实整改事项。" },
  { key: "urged", label: "催办", event: "ACKNOWLEDGE", filter: { urged: true }, hint: "收到催办通知、需要尽快办理的任务。", alert: true },
  { key: "submitted", label: "待审核", event: "APPROVE", filter: { status: "submitted" }, hint: "各单位已提交、等待审核的材料。" },
  { key: "extension", label: "延期申请", event: "DECIDE_EXTENSION", filter: { extensionRequested: true }, hint: "等待审批的延期申请。" },
  { key: "overdue", label: "逾期", event: "URGE", filter: { overdue: true }, hint: "已超过完成时限仍未办结的任务。", alert: true },
  { key: "reassign", label: "改派申请", event: "REASSIGN", filter: { status: "reassign_requested" }, hint: "牵头单位申请改派的任务。" },
  { key: "close-evaluation", label: "待结束测评", event: "CLOSE_EVALUATION", filter: { stage: ["evaluate"] }, hint: "正在满意度测评、可结束测评的任务。" },
  { key: "rate", label: "待测评", event: "RATE", filter: { stage: ["evaluate"], ratedByMe: false }, hint: "请对以下任务的办理结果进行满意度测评。", alert: true },
  { key: "rated", label: "已测评", event: "RATE", filter: { stage: ["evaluate"], ratedByMe: true }, hint: "您本轮已测评、测评尚未结束的任务；结束前可修改测评。" },
  {
    key: "supervising",
    label: "督办的子任务",
    event: "WAIVE_PART",
    filter: { stage: [...WORK_STAGES], topLevel: false },
    hint: "本单位分解给下级单位、由本单位审核督办的子任务。",
  },
  { key: "instruct-overdue", label: "逾期任务", event: "INSTRUCT", filter: { overdue: true }, hint: "已超过完成时限仍未办结的任务。", alert: true },
  { key: "instruct-open", label: "全部在办", event: "INSTRUCT", filter: { stage: [...WORK_STAGES] }, hint: "所有正在办理中的任务。" },
];

export const TODO_TAB_KEYS = TODO_TABS.map((t) => t.key) as [string, ...string[]];

function tabsOf(user: SessionUser["user"]): { def: TodoTabDef; requirement: UnitRequirement }[] {
  return TODO_TABS.flatMap((def) => {
    const requirement = EVENT_PERMISSIONS[def.event][user.role];
    return requirement === undefined ? [] : [{ def, requirement }];
  });
}

/** The database filter of a tab for this user: the tab's own, plus how the user's unit must hold the task. */
function filterOf(ctx: Authed, def: TodoTabDef, requirement: UnitRequirement): Omit<TaskFilters, "limit" | "cursor"> | null {
  const user = ctx.session.user;
  const { ratedByMe, ...filter } = def.filter;
  const base: Omit<TaskFilters, "limit" | "cursor"> = {
    ...filter,
    today: todayOf(ctx),
    ...(ratedByMe !== undefined ? { ratedBy: { evaluatorId: user.id, rated: ratedByMe } } : {}),
  };
  if (requirement === "any") return readsAllTasks(user) ? base : null;
  // The lifecycle's `supervises`: the office reviews what it assigned itself (no supervising unit), a liaison the parts its unit split.
  if (requirement === "supervises") {
    if (user.role === "office") return { ...base, supervisorUnitId: null };
    return user.unit_id === null ? null : { ...base, supervisorUnitId: user.unit_id };
  }
  if (user.unit_id === null) return null;
  switch (requirement) {
    case "lead":
      return { ...base, leadUnitId: user.unit_id };
    case "co":
      return { ...base, coUnit: { unitId: user.unit_id, ...(def.contribution ? { contributionStatus: def.contribution } : {}) } };
    case "lead_or_co":
      return { ...base, unitId: user.unit_id };
  }
}

/**
 * The user's tabs with exact counts (one COUNT per tab). Roles with no tab (the 三员) get none. A
 * liaison gets the reviewer's tabs (待审核, 督办的子任务 …) only once its unit has split a task:
 * until then they could never hold anything.
 */
export async function todoTabs(ctx: Authed) {
  const user = ctx.session.user;
  const reviewsParts =
    user.role === "liaison" && user.unit_id !== null && (await countTasks(ctx.db, { supervisorUnitId: user.unit_id })) > 0;
  const tabs = tabsOf(user).flatMap(({ def, requirement }) => {
    if (requirement === "supervises" && user.role === "liaison" && !reviewsParts) return [];
    const filter = filterOf(ctx, def, requirement);
    return filter === null ? [] : [{ def, filter }];
  });
  const counts = await Promise.all(tabs.map(({ filter }) => countTasks(ctx.db, filter)));
  return tabs.map(({ def }, i) => ({ key: def.key, label: def.label, hint: def.hint, alert: def.alert ?? false, count: counts[i] as number }));
}

/** One page of a tab's tasks, in document order. */
export async function todoItems(ctx: Authed, input: { tab: string; cursor?: string | null | undefined; limit: number }) {
  const tab = tabsOf(ctx.session.user).find(({ def }) => def.key === input.tab);
  if (tab === undefined) throw new AppError("FORBIDDEN", "该待办分类不适用于您的角色");
  const filter = filterOf(ctx, tab.def, tab.requirement);
  if (filter === null) return { items: [], nextCursor: null };
  const page = await pageOfTasks(ctx, { ...filter, cursor: input.cursor ?? null, limit: input.limit });
  return { items: await summarizeTasks(ctx, page.items), nextCursor: page.nextCursor };
}
