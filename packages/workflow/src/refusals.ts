// Why a move was refused: a stable code (the API passes it on) and a Chinese message.
export const REFUSAL_CODES = [
  "INVALID_EVENT",
  "MISSING_REASON",
  "TASK_CLOSED",
  "FORBIDDEN_FOR_ROLE",
  "NOT_YOUR_UNIT",
  "NOT_SUPERVISOR",
  "NOT_ALLOWED_IN_STATE",
  "INVALID_RETURN_TARGET",
  "GUARD_FAILED",
] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

/** The specific condition behind a GUARD_FAILED refusal. */
export const GUARD_FAILURES = {
  CONTRIBUTIONS_PENDING: "尚有责任单位的协办意见未采纳，不能提交",
  CONTRIBUTION_NOT_AVAILABLE: "该单位的协办意见当前状态不允许此操作",
  NOT_INSPECTED: "尚未记录检查情况，不能提交",
  ITEMS_OPEN: "尚有整改事项未整改",
  ITEMS_NOT_CLOSED: "尚有整改事项未销号，检查不能通过",
  ITEM_NOT_AVAILABLE: "该整改事项不存在或当前状态不允许此操作",
  RESOLUTION_CLASS_REQUIRED: "请选择办理结果分类（A/B/C）",
  DEADLINE_NOT_LATER: "申请的完成时限须晚于当前时限",
  SAME_LEAD_UNIT: "改派的牵头单位与当前相同",
  NO_RATINGS: "尚无测评结果，不能结束测评",
  NO_OPEN_NOTICES: "没有需要确认的催办或批示",
  REASSIGN_WINDOW_CLOSED: "申请改派的期限已过；如确需调整，请联系领导小组办公室",
  PARTS_PENDING: "尚有子任务未完成，不能提交；如确需提交，请分解单位免除相应子任务",
  LATER_THAN_PARENT: "子任务的完成时限不能晚于上级任务的完成时限",
  ALREADY_WAIVED: "该子任务已免除",
  UNKNOWN: "当前条件不满足，不能执行此操作",
} as const;
export type GuardFailure = keyof typeof GUARD_FAILURES;

export const REFUSAL_MESSAGES: Record<RefusalCode, string> = {
  INVALID_EVENT: "提交的内容不完整或格式不正确",
  MISSING_REASON: "请填写原因",
  TASK_CLOSED: "该任务已办结或已终止，不能再操作",
  FORBIDDEN_FOR_ROLE: "您的角色无权执行此操作",
  NOT_YOUR_UNIT: "该任务不属于您所在单位，不能执行此操作",
  NOT_SUPERVISOR: "该任务由分解它的单位审核督办，您不能执行此操作",
  NOT_ALLOWED_IN_STATE: "任务当前所处环节不能执行此操作",
  INVALID_RETURN_TARGET: "只能退回到当前或之前的环节",
  GUARD_FAILED: "当前条件不满足，不能执行此操作",
};

/**
 * Guard failures a user expects to overcome (another party acts first): the action is shown
 * disabled, with the reason and what unblocks it. Other failures simply hide the action.
 */
export const EXPLAINED_BLOCKS: readonly GuardFailure[] = [
  "CONTRIBUTIONS_PENDING",
  "NOT_INSPECTED",
  "ITEMS_OPEN",
  "ITEMS_NOT_CLOSED",
  "NO_RATINGS",
  "REASSIGN_WINDOW_CLOSED",
  "PARTS_PENDING",
];

/** What must happen before a blocked action becomes possible: the co-units or items it waits on. */
export interface Unblocker {
  /** Co-units whose 协办意见 is not yet accepted or waived. */
  unitIds?: string[];
  /** Rectification items not yet rectified / closed. */
  itemIds?: string[];
  /** 分解: sub-tasks not yet settled (see `partSettled`). */
  taskIds?: string[];
}

export interface Refusal {
  code: RefusalCode;
  message: string;
  guard?: GuardFailure;
  /** GUARD_FAILED: what unblocks the move. */
  unblockedBy?: Unblocker;
  /** Field-level messages for INVALID_EVENT / MISSING_REASON. */
  fields?: Record<string, string>;
}
