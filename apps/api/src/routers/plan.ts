import { z } from "zod";
import { createPlanFromDraft, documentText, draftFromParsed, getPlanDetail, listPlansFor, previewImport, ZPlanDraft } from "../services/plans";
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
      return { parsed, draft, unassigned };
    }),
  confirmImport: roleProcedure("office")
    .input(ZPlanDraft)
    .mutation(({ ctx, input }) => createPlanFromDraft(ctx, input, "import")),
});
