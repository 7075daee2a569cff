// 立项来源: a plan document, or set up by hand (手工立项) from an instruction, a meeting decision or a proposal.
import type { RouterOutputs } from "../../../trpc";

export type PlanSourceKind = RouterOutputs["plan"]["get"]["sourceKind"];

export const PLAN_SOURCE_LABELS: Record<PlanSourceKind, string> = { document: "工作方案文件", instruction: "领导批示", meeting: "会议议定事项", proposal: "建议提案" };

/** What the source's reference is called, by kind (the 手工立项 form's label and hint). */
export const SOURCE_REF_FIELDS: Record<Exclude<PlanSourceKind, "document">, { label: string; placeholder: string }> = {
  instruction: { label: "批示文号", placeholder: "如：区领导批示〔2026〕12号" },
  meeting: { label: "会议名称", placeholder: "如：区政府常务会议（第 30 次），2026年3月5日" },
  proposal: { label: "建议提案号", placeholder: "如：区政协十届三次会议第 0056 号提案" },
};
