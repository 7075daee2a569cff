import { z } from "zod";
import { createUnitFromImport, mapUnitName, previewImportDocument } from "../services/plan-import";
import { createPlanFromDraft, getPlanDetail, listPlansFor, ZPlanDraft } from "../services/plans";
import { authedProcedure, capabilityProcedure, router } from "../trpc";

/** Pasted text, or an uploaded file of any kind (base64; 20 MB of file is under 28 M characters). */
const source = z
  .object({
    text: z.string().max(2_000_000).optional(),
    fileBase64: z.string().max(28_000_000).optional(),
    fileName: z.string().max(255).optional(),
  })
  .refine((v) => v.text !== undefined || v.fileBase64 !== undefined, { message: "请粘贴方案文本或上传方案文件" });

const unitName = z.string().trim().min(2, "单位名称至少 2 个字").max(100);

export const planRouter = router({
  list: authedProcedure.query(({ ctx }) => listPlansFor(ctx)),
  get: authedProcedure.input(z.object({ planId: z.string().min(1).max(64) })).query(({ ctx, input }) => getPlanDetail(ctx, input.planId)),
  create: capabilityProcedure("managePlans")
    .input(ZPlanDraft)
    .mutation(({ ctx, input }) => createPlanFromDraft(ctx, input, "manual")),
  /** Parse a document (pasted text or a .txt/.docx/.xlsx/.doc/.wps/.pdf file) into a draft for the office to correct. Writes no plan (only its audit record). */
  previewImport: capabilityProcedure("managePlans")
    .input(source)
    .mutation(({ ctx, input }) => previewImportDocument(ctx, input)),
  /** An unmatched name in the preview mapped to a known unit; remembered as the unit's alias. */
  mapUnitName: capabilityProcedure("managePlans")
    .input(z.object({ name: unitName, unitId: z.string().min(1).max(64) }))
    .mutation(({ ctx, input }) => mapUnitName(ctx, input)),
  /** An unmatched name in the preview created as a unit. */
  createUnitFromImport: capabilityProcedure("managePlans")
    .input(z.object({ name: unitName, kind: z.enum(["office", "department", "street", "company", "other"]).default("department") }))
    .mutation(({ ctx, input }) => createUnitFromImport(ctx, input)),
  confirmImport: capabilityProcedure("managePlans")
    .input(ZPlanDraft)
    .mutation(({ ctx, input }) => createPlanFromDraft(ctx, input, "import")),
});
