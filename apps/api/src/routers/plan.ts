import { z } from "zod";
import { createPlanFromDraft, documentText, draftFromParsed, getPlanDetail, listPlansFor, previewImport, ZPlanDraft } from "../services/plans";
import { recordAudit } from "../services/audit";
import { authedProcedure, roleProcedure, router } from "../trpc";

const source = z
  .object({ text: z.string().max(2_000_000).optional(), docxBase64: z.string().max(28_000_000).optional() })
  .refine((v) => v.text !== undefined || v.docxBase64 !== undefined, { message: "请粘贴方案文本或上传 Word 文件" });

export const planRouter = router({
  list: authedProcedure.query(({ ctx }) => listPlansFor(ctx)),
  get: authedProcedure.input(z.object({ planId: z.string().min(1).max(64) })).query(({ ctx, input }) => getPlanDetail(ctx, input.planId)),
  create: roleProcedure("office")
    .input(ZPlanDraft)
    .mutation(({ ctx, input }) => createPlanFromDraft(ctx, input, "manual")),
  /** Parse a document (pasted text or .docx) into a draft for the office to correct. Writes nothing. */
  previewImport: roleProcedure("office")
    .input(source)
    .mutation(async ({ ctx, input }) => {
      const text = await documentText(input);
      const parsed = await previewImport(ctx, text);
      const { draft, unassigned } = draftFromParsed(parsed, text);
      // Writes no plan, but every mutation leaves a record (the completeness test walks the router).
      await recordAudit(ctx, ctx.db, {
        action: "plan.preview_import",
        object_type: "plan_document",
        comment: parsed.title,
        detail: { docNumber: parsed.docNumber ?? null, taskCount: draft.tasks.length, unmatchedUnits: parsed.unmatchedUnits.length, bytes: text.length },
      });
      return { parsed, draft, unassigned };
    }),
  confirmImport: roleProcedure("office")
    .input(ZPlanDraft)
    .mutation(({ ctx, input }) => createPlanFromDraft(ctx, input, "import")),
});
