// Reading a snapshot: which stage and status a task is in, from the machine's tags.
import type { TaskSnapshot } from "./persistence";
import { STAGES, type ResolutionClass, type StageOrTerminated } from "./vocabulary";

export const TASK_STATUSES = [
  "signing",
  "reassign_requested",
  "drafting",
  "returned",
  "submitted",
  "rating",
  "done",
  "terminated",
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export interface TaskDescription {
  stage: StageOrTerminated;
  status: TaskStatus;
  round: number;
  dueDate: string | null;
  leadUnitId: string;
  coUnitIds: string[];
  extensionRequested: boolean;
  openNotices: number;
  /** 办理结果分类 graded in the summary (null until then) */
  resolutionClass: ResolutionClass | null;
  final: boolean;
}

export function stageOf(snapshot: TaskSnapshot): StageOrTerminated {
  if (snapshot.hasTag("terminated")) return "terminated";
  const stage = STAGES.find((s) => snapshot.hasTag(s));
  if (stage === undefined) throw new Error("task snapshot has no stage tag");
  return stage;
}

export function statusOf(snapshot: TaskSnapshot): TaskStatus {
  if (snapshot.hasTag("terminated")) return "terminated";
  if (snapshot.hasTag("done")) return "done";
  if (snapshot.hasTag("signing")) return "signing";
  if (snapshot.hasTag("reassign_requested")) return "reassign_requested";
  if (snapshot.hasTag("submitted")) return "submitted";
  if (snapshot.hasTag("rating")) return "rating";
  return snapshot.context.lastReturn !== null ? "returned" : "drafting";
}

export function describeTask(snapshot: TaskSnapshot): TaskDescription {
  return {
    stage: stageOf(snapshot),
    status: statusOf(snapshot),
    round: snapshot.context.round,
    dueDate: snapshot.context.dueDate,
    leadUnitId: snapshot.context.leadUnitId,
    coUnitIds: snapshot.context.coUnitIds,
    extensionRequested: snapshot.hasTag("extension_requested"),
    openNotices: snapshot.context.openNotices,
    resolutionClass: snapshot.context.resolutionClass,
    final: snapshot.status === "done",
  };
}
