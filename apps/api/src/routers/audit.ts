import { z } from "zod";
import { auditFilterOptions, exportAudit, findAuditTasks, listAuditPage, toAuditViews, verifyAndRecord } from "../services/audit-views";
import { listArchives, readArchivedRecords } from "../services/audit-archive";
import { createCheckpoint, listCheckpoints, verifyCheckpointAudited } from "../services/checkpoints";
import { capabilityProcedure, router } from "../trpc";

const iso = z.string().datetime({ offset: true, message: "时间格式不正确" });
const filters = z.object({
  taskId: z.string().min(1).max(64).optional(),
  actorUserId: z.string().min(1).max(64).optional(),
  unitId: z.string().min(1).max(64).optional(),
  action: z.string().min(1).max(64).optional(),
  outcome: z.enum(["ok", "refused", "error"]).optional(),
  from: iso.optional(),
  to: iso.optional(),
});

/** The log is read by the auditor (审计管理员) alone. */
export const auditRouter = router({
  list: capabilityProcedure("audit")
    .input(filters.extend({ cursor: z.number().int().nullish(), limit: z.number().int().min(1).max(500).default(100) }))
    .query(({ ctx, input }) => listAuditPage(ctx, input)),
  /** The people, units and events the filters pick from. */
  filterOptions: capabilityProcedure("audit").query(({ ctx }) => auditFilterOptions(ctx)),
  /** Tasks by number or text, for the task filter. */
  findTasks: capabilityProcedure("audit")
    .input(z.object({ q: z.string().trim().min(1, "请输入任务序号或内容").max(100) }))
    .query(({ ctx, input }) => findAuditTasks(ctx, input.q)),
  verify: capabilityProcedure("audit").mutation(({ ctx }) => verifyAndRecord(ctx)),
  export: capabilityProcedure("audit")
    .input(filters.extend({ format: z.enum(["csv", "xlsx"]) }))
    .mutation(({ ctx, input }) => {
      const { format, ...rest } = input;
      return exportAudit(ctx, rest, format);
    }),
  /** Signed checkpoints kept outside the database (issue 9): list, create one now, verify one. */
  checkpoints: capabilityProcedure("audit").query(({ ctx }) => listCheckpoints(ctx)),
  createCheckpoint: capabilityProcedure("audit").mutation(({ ctx }) => createCheckpoint(ctx, "manual")),
  verifyCheckpoint: capabilityProcedure("audit")
    .input(z.object({ checkpoint: z.union([z.string().max(10_000), z.record(z.string(), z.unknown())]) }))
    .mutation(({ ctx, input }) => verifyCheckpointAudited(ctx, input.checkpoint)),
  /** Archived periods (issue 19): the signed archive files the register names, and their records. */
  archives: capabilityProcedure("audit").query(({ ctx }) => listArchives(ctx)),
  archiveRecords: capabilityProcedure("audit")
    .input(
      z.object({
        archiveSeq: z.number().int().min(1),
        action: z.string().min(1).max(64).optional(),
        actorUserId: z.string().min(1).max(64).optional(),
        taskId: z.string().min(1).max(64).optional(),
        cursor: z.number().int().nullish(),
        limit: z.number().int().min(1).max(500).default(100),
      }),
    )
    // read like the live log: names, units, tasks and events in words (the same view as `list`)
    .query(async ({ ctx, input }) => {
      const page = await readArchivedRecords(ctx, input);
      return { ...page, items: await toAuditViews(ctx.db, page.items) };
    }),
});
