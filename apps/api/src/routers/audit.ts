import { z } from "zod";
import { exportAudit, listAuditPage, verifyAndRecord } from "../services/audit-views";
import { createCheckpoint, listCheckpoints, verifyCheckpointAudited } from "../services/checkpoints";
import { roleProcedure, router } from "../trpc";

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
  list: roleProcedure("auditor")
    .input(filters.extend({ cursor: z.number().int().nullish(), limit: z.number().int().min(1).max(500).default(100) }))
    .query(({ ctx, input }) => listAuditPage(ctx, input)),
  verify: roleProcedure("auditor").mutation(({ ctx }) => verifyAndRecord(ctx)),
  export: roleProcedure("auditor")
    .input(filters.extend({ format: z.enum(["csv", "xlsx"]) }))
    .mutation(({ ctx, input }) => {
      const { format, ...rest } = input;
      return exportAudit(ctx, rest, format);
    }),
  /** Signed checkpoints kept outside the database (issue 9): list, create one now, verify one. */
  checkpoints: roleProcedure("auditor").query(({ ctx }) => listCheckpoints(ctx)),
  createCheckpoint: roleProcedure("auditor").mutation(({ ctx }) => createCheckpoint(ctx, "manual")),
  verifyCheckpoint: roleProcedure("auditor")
    .input(z.object({ checkpoint: z.union([z.string().max(10_000), z.record(z.string(), z.unknown())]) }))
    .mutation(({ ctx, input }) => verifyCheckpointAudited(ctx, input.checkpoint)),
});
