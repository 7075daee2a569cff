// The events a task accepts. A *command* is what a caller asks for (validated with zod, reused
// by the API as its input schema); an *event* is a command plus the actor, stamped by the server.
import { z } from "zod";
import {
  RATINGS,
  RESOLUTION_CLASSES,
  RETURN_REASONS,
  RETURNABLE_STAGES,
  ROLES,
  type Actor,
} from "./vocabulary";

/** Characters that show nothing: zero-width spaces and joiners, BOM, soft hyphen, bidi controls. */
const INVISIBLE = /[\s\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/gu;
/** Whether a text holds something a reader can see (a reason of zero-width spaces is no reason). */
export const hasVisibleText = (value: string): boolean => value.replace(INVISIBLE, "") !== "";

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/** Whether `YYYY-MM-DD` names a day that exists (2027-02-30 and 2026-13-01 do not). */
export function isCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (match === null) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day <= (month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0));
}

/** A day of the calendar, as `YYYY-MM-DD`. */
export const ZCalendarDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "日期格式应为 YYYY-MM-DD").refine(isCalendarDate, "日期不存在");
/** A month of the calendar, as `YYYY-MM`. */
export const ZCalendarMonth = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "月份应为 YYYY-MM，且在 01 至 12 月之间");

const text = (max: number) => z.string().trim().max(max, { message: `不能超过 ${max} 个字符` });
const requiredText = (max: number, what: string) =>
  text(max).min(1, { message: `请填写${what}` }).refine(hasVisibleText, { message: `请填写${what}` });
const fileHashes = z.array(z.string().regex(/^[0-9a-f]{64}$/, "附件标识无效")).max(20).optional();
const id = z.string().min(1).max(64);
const isoDate = ZCalendarDate;

export const ZReturnReason = z.enum(RETURN_REASONS, { message: "请选择退回原因" });

export const ZTaskCommand = z.discriminatedUnion("type", [
  z.object({ type: z.literal("SIGN"), comment: text(2000).optional() }),
  z.object({ type: z.literal("REQUEST_REASSIGN"), reason: requiredText(2000, "改派理由") }),
  z.object({ type: z.literal("REFUSE_REASSIGN"), comment: requiredText(2000, "不同意改派的理由") }),
  z.object({
    type: z.literal("REASSIGN"),
    leadUnitId: id,
    coUnitIds: z.array(id).max(200).optional(),
    comment: text(2000).optional(),
  }),
  z.object({
    type: z.literal("SUBMIT"),
    text: requiredText(20000, "提交内容"),
    resolutionClass: z.enum(RESOLUTION_CLASSES).optional(),
    fileHashes,
  }),
  z.object({ type: z.literal("WITHDRAW"), comment: text(2000).optional() }),
  z.object({
    type: z.literal("APPROVE"),
    comment: text(2000).optional(),
    resolutionClass: z.enum(RESOLUTION_CLASSES).optional(),
  }),
  z.object({
    type: z.literal("RETURN"),
    toStage: z.enum(RETURNABLE_STAGES, { message: "请选择退回到的阶段" }),
    reason: ZReturnReason,
    text: requiredText(2000, "退回说明"),
  }),
  z.object({
    type: z.literal("REPORT_PROGRESS"),
    text: requiredText(20000, "进度情况"),
    percent: z.number().int().min(0).max(100).optional(),
    fileHashes,
  }),
  z.object({ type: z.literal("SUBMIT_CONTRIBUTION"), text: requiredText(20000, "协办意见"), fileHashes }),
  z.object({ type: z.literal("ACCEPT_CONTRIBUTION"), unitId: id, comment: text(2000).optional() }),
  z.object({
    type: z.literal("RETURN_CONTRIBUTION"),
    unitId: id,
    reason: ZReturnReason,
    text: requiredText(2000, "退回说明"),
  }),
  z.object({ type: z.literal("WAIVE_CONTRIBUTION"), unitId: id, text: requiredText(2000, "免除理由") }),
  z.object({
    type: z.literal("REQUEST_EXTENSION"),
    requestedDueDate: isoDate,
    reason: requiredText(2000, "延期理由"),
  }),
  z.object({ type: z.literal("DECIDE_EXTENSION"), granted: z.boolean(), comment: text(2000).optional() }),
  z.object({
    type: z.literal("RECORD_INSPECTION"),
    text: requiredText(20000, "检查情况"),
    items: z.array(requiredText(2000, "整改事项")).max(100),
  }),
  z.object({ type: z.literal("RECTIFY"), itemId: id, text: requiredText(20000, "整改情况"), fileHashes }),
  z.object({ type: z.literal("CLOSE_ITEM"), itemId: id, comment: text(2000).optional() }),
  z.object({ type: z.literal("PASS_INSPECTION"), comment: text(2000).optional() }),
  z.object({ type: z.literal("RATE"), rating: z.enum(RATINGS, { message: "请选择测评结果" }), comment: text(2000).optional() }),
  z.object({ type: z.literal("CLOSE_EVALUATION"), comment: text(2000).optional() }),
  z.object({ type: z.literal("URGE"), text: text(2000).optional() }),
  z.object({ type: z.literal("INSTRUCT"), text: requiredText(2000, "批示内容") }),
  z.object({ type: z.literal("ACKNOWLEDGE"), comment: text(2000).optional() }),
  z.object({ type: z.literal("TERMINATE"), reason: requiredText(2000, "终止理由") }),
  z.object({
    type: z.literal("SPLIT"),
    parts: z
      .array(
        z.object({
          text: requiredText(20000, "子任务内容"),
          leadUnitId: id,
          coUnitIds: z.array(id).max(200).optional(),
          /** Omitted: the parent's due date. Never later than it. */
          dueDate: isoDate.nullish(),
          target: text(500).optional(),
        }),
      )
      .min(1, { message: "请至少分解出一项子任务" })
      .max(50, { message: "一次最多分解 50 项子任务" }),
    comment: text(2000).optional(),
  }),
  z.object({ type: z.literal("WAIVE_PART"), reason: requiredText(2000, "免除理由") }),
]);

export type TaskCommand = z.infer<typeof ZTaskCommand>;
export type TaskEventType = TaskCommand["type"];
export const TASK_EVENT_TYPES = ZTaskCommand.options.map((o) => o.shape.type.value) as TaskEventType[];

export const ZActor = z.object({ userId: id, role: z.enum(ROLES), unitId: id.nullable() });

/** An event as the machine sees it: the command, who sent it, and when (ISO time from the server). */
export type TaskEvent = TaskCommand & { actor: Actor; at: string };
export type TaskEventOf<T extends TaskEventType> = Extract<TaskEvent, { type: T }>;
