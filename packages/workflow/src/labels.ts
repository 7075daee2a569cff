// Chinese labels for everything the lifecycle names. The UI and exports read them from here.
import type {
  ContributionStatus,
  Rating,
  RectificationStatus,
  ResolutionClass,
  ReturnReason,
  Role,
  StageOrTerminated,
} from "./vocabulary";
import type { TaskEventType } from "./events";
import type { TaskStatus } from "./describe";

export const STAGE_LABELS: Record<StageOrTerminated, string> = {
  deploy: "部署",
  handle: "办理",
  inspect: "检查",
  summarize: "总结",
  evaluate: "满意度测评",
  done: "办结",
  terminated: "已终止",
};

export const STATUS_LABELS: Record<TaskStatus, string> = {
  signing: "待签收",
  reassign_requested: "申请改派",
  drafting: "待提交",
  returned: "已退回",
  submitted: "待审核",
  rating: "测评中",
  done: "已办结",
  terminated: "已终止",
};

export const ROLE_LABELS: Record<Role, string> = {
  liaison: "联络员",
  office: "领导小组办公室",
  leader: "领导",
  evaluator: "测评人",
  auditor: "审计管理员",
  sysadmin: "系统管理员",
  secadmin: "安全管理员",
};

export const RETURN_REASON_LABELS: Record<ReturnReason, string> = {
  incomplete_materials: "材料不全",
  vague_measures: "措施不具体",
  behind_schedule: "进度滞后",
  inconsistent_with_facts: "与实际不符",
  other: "其他",
};

export const RATING_LABELS: Record<Rating, string> = {
  satisfied: "满意",
  basically_satisfied: "基本满意",
  unsatisfied: "不满意",
};

export const RESOLUTION_CLASS_LABELS: Record<ResolutionClass, string> = {
  A: "A 已解决或基本解决",
  B: "B 正在解决或列入计划",
  C: "C 因条件限制留作参考",
};

export const CONTRIBUTION_STATUS_LABELS: Record<ContributionStatus, string> = {
  pending: "待提交",
  submitted: "已提交",
  accepted: "已采纳",
  returned: "已退回",
  waived: "已免除",
};

export const RECTIFICATION_STATUS_LABELS: Record<RectificationStatus, string> = {
  open: "待整改",
  rectified: "已整改待销号",
  closed: "已销号",
};

export const EVENT_LABELS: Record<TaskEventType, string> = {
  SIGN: "签收",
  REQUEST_REASSIGN: "申请改派",
  REFUSE_REASSIGN: "不同意改派",
  REASSIGN: "改派牵头单位",
  SUBMIT: "提交",
  WITHDRAW: "撤回",
  APPROVE: "审核通过",
  RETURN: "退回",
  REPORT_PROGRESS: "报送进度",
  SUBMIT_CONTRIBUTION: "提交协办意见",
  ACCEPT_CONTRIBUTION: "采纳协办意见",
  RETURN_CONTRIBUTION: "退回协办意见",
  WAIVE_CONTRIBUTION: "免除协办意见",
  REQUEST_EXTENSION: "申请延期",
  DECIDE_EXTENSION: "审批延期",
  RECORD_INSPECTION: "记录检查",
  RECTIFY: "整改",
  CLOSE_ITEM: "销号",
  PASS_INSPECTION: "检查通过",
  RATE: "测评",
  CLOSE_EVALUATION: "结束测评",
  URGE: "催办",
  INSTRUCT: "领导批示",
  ACKNOWLEDGE: "确认收悉",
  TERMINATE: "终止",
  SPLIT: "分解任务",
  WAIVE_PART: "免除子任务",
};

/** What the page says once a move is done, in the terse style of government software ("已通过", not "审核通过成功"). */
export const EVENT_DONE_LABELS: Record<TaskEventType, string> = {
  SIGN: "已签收",
  REQUEST_REASSIGN: "已申请改派",
  REFUSE_REASSIGN: "已驳回改派申请",
  REASSIGN: "已改派",
  SUBMIT: "已提交",
  WITHDRAW: "已撤回",
  APPROVE: "已通过",
  RETURN: "已退回",
  REPORT_PROGRESS: "已报送",
  SUBMIT_CONTRIBUTION: "已提交",
  ACCEPT_CONTRIBUTION: "已采纳",
  RETURN_CONTRIBUTION: "已退回",
  WAIVE_CONTRIBUTION: "已免除",
  REQUEST_EXTENSION: "已申请延期",
  DECIDE_EXTENSION: "已审批",
  RECORD_INSPECTION: "已记录",
  RECTIFY: "已整改",
  CLOSE_ITEM: "已销号",
  PASS_INSPECTION: "已通过检查",
  RATE: "已测评",
  CLOSE_EVALUATION: "已结束测评",
  URGE: "已催办",
  INSTRUCT: "已批示",
  ACKNOWLEDGE: "已确认收悉",
  TERMINATE: "已终止",
  SPLIT: "已分解",
  WAIVE_PART: "已免除",
};

/** The label of a submission in each stage: 办理方案, 办结报告, 整改报告, 办理工作总结. */
export const SUBMISSION_LABELS: Record<"deploy" | "handle" | "inspect" | "summarize", string> = {
  deploy: "办理方案",
  handle: "办结报告",
  inspect: "整改报告",
  summarize: "办理工作总结",
};

/** A stored state in words: "handle/drafting" → "办理 · 待提交"; a status that repeats its stage is said once. */
export function stateText(state: string | null): string {
  if (!state) return "";
  const [stage, status] = state.split("/");
  const stageWord = stage ? ((STAGE_LABELS as Record<string, string>)[stage] ?? stage) : "";
  const statusWord = status && status !== stage ? ((STATUS_LABELS as Record<string, string>)[status] ?? status) : "";
  return [stageWord, statusWord].filter(Boolean).join(" · ");
}

/** A move's state change in words: "办理 · 待提交 → 办理 · 待审核"; empty when nothing changed. */
export function stateChangeText(from: string | null, to: string | null): string {
  if (from === to || (!from && !to)) return "";
  return `${stateText(from) || "（无）"} → ${stateText(to) || "（无）"}`;
}
