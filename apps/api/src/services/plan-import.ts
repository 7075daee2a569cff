// Importing a plan document: reading the upload (any file kind) or pasted text, the preview the
// office corrects (closest known units for every unmatched name, plans already imported), and
// the two things the office does about an unmatched name without leaving the page: map it to a
// known unit (the name is remembered as the unit's alias for the next import) or create the unit.
import { createUnit, getUnit, inTransaction, listUnits, updateUnit, type UnitKind } from "@duban/db";
import { localitiesOf, PlanFileError, readPlanFile, suggestUnits, type PlanDocument, type UnitSuggestion } from "@duban/plan-import";
import type { Context, SessionUser } from "../context";
import { AppError, notFound } from "../errors";
import { recordAudit } from "./audit";
import { draftFromParsed, loadUnitRegistry, previewImport } from "./plans";

type Authed = Context & { session: SessionUser };

export interface ImportSource {
  text?: string | undefined;
  /** An uploaded file: its bytes in base64 and its name (the name only tells .doc from .xls and the like). */
  fileBase64?: string | undefined;
  fileName?: string | undefined;
}

/** The document to parse: pasted text, or an uploaded file of any kind. A file that cannot be read is a BAD_INPUT with the reader's Chinese message. */
export async function readImportSource(input: ImportSource): Promise<PlanDocument & { kind: string }> {
  if (input.text !== undefined) {
    if (input.text.trim() === "") throw new AppError("BAD_INPUT", "请粘贴方案全文");
    return { text: input.text, kind: "text" };
  }
  if (input.fileBase64 === undefined) throw new AppError("BAD_INPUT", "请粘贴方案文本或上传方案文件");
  try {
    return await readPlanFile(Buffer.from(input.fileBase64, "base64"), input.fileName ?? "");
  } catch (e) {
    if (e instanceof PlanFileError) throw new AppError("BAD_INPUT", e.message);
    throw new AppError("BAD_INPUT", "无法读取该文件，请确认文件完整后重试");
  }
}

/** Characters that carry the text, for comparing two plans regardless of layout and punctuation. */
function shingles(text: string): Set<string> {
  const bare = text.replace(/[\s\p{P}\p{S}]+/gu, "");
  const set = new Set<string>();
  for (let i = 0; i + 4 <= bare.length; i++) set.add(bare.slice(i, i + 4));
  return set;
}

function similarity(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let common = 0;
  for (const s of a) if (b.has(s)) common++;
  return common / (a.size + b.size - common);
}

/** How many recent plans a new document is compared with word for word. */
const RECENT_PLANS = 200;
/** Share of 4-character runs two texts hold in common to count as the same plan. */
const SAME_TEXT = 0.85;

export interface DuplicatePlan {
  planId: string;
  title: string;
  docNumber: string | null;
  reason: "docNumber" | "text";
}

/** Plans already imported with the same 文号, or (among recent plans) nearly the same text. */
export async function findDuplicatePlans(ctx: Context, docNumber: string | null, text: string): Promise<DuplicatePlan[]> {
  const found = new Map<string, DuplicatePlan>();
  const squash = (s: string) => s.replace(/\s+/g, "").replace(/[〔［[【(（]/g, "〔").replace(/[〕］\]】)）]/g, "〕");
  if (docNumber !== null && docNumber.trim() !== "") {
    const rows = await ctx.db.selectFrom("plans").select(["id", "title", "doc_number"]).where("doc_number", "is not", null).execute();
    for (const r of rows) {
      if (r.doc_number !== null && squash(r.doc_number) === squash(docNumber)) found.set(r.id, { planId: r.id, title: r.title, docNumber: r.doc_number, reason: "docNumber" });
    }
  }
  const mine = shingles(text);
  const recent = await ctx.db.selectFrom("plans").select(["id", "title", "doc_number", "source_text"]).orderBy("created_at", "desc").limit(RECENT_PLANS).execute();
  for (const r of recent) {
    if (found.has(r.id) || r.source_text === "") continue;
    if (similarity(mine, shingles(r.source_text)) >= SAME_TEXT) found.set(r.id, { planId: r.id, title: r.title, docNumber: r.doc_number, reason: "text" });
  }
  return [...found.values()];
}

/** Parses the document against the registry and adds what the office needs to finish it. Writes nothing but its audit record. */
export async function previewImportDocument(ctx: Authed, input: ImportSource) {
  const doc = await readImportSource(input);
  const parsed = await previewImport(ctx, doc);
  const { draft, unassigned } = draftFromParsed(parsed, doc.text);
  const registry = await loadUnitRegistry(ctx.db);
  const places = localitiesOf([parsed.issuer]);
  const suggestions: Record<string, UnitSuggestion[]> = {};
  for (const name of parsed.unmatchedUnits) suggestions[name] = suggestUnits(name, registry, places);
  const duplicates = await findDuplicatePlans(ctx, parsed.docNumber, doc.text);
  await recordAudit(ctx, ctx.db, {
    action: "plan.preview_import",
    object_type: "plan_document",
    comment: parsed.title,
    detail: { docNumber: parsed.docNumber ?? null, kind: doc.kind, taskCount: draft.tasks.length, unmatchedUnits: parsed.unmatchedUnits.length, duplicates: duplicates.length, bytes: doc.text.length },
  });
  return { parsed, draft, unassigned, suggestions, duplicates, fileKind: doc.kind };
}

/** Is this name already a unit's name or alias (any unit)? */
async function nameTaken(ctx: Context, name: string): Promise<{ id: string; name: string } | undefined> {
  const units = await listUnits(ctx.db);
  return units.find((u) => u.name === name || u.short_name === name || u.aliases.includes(name));
}

/** Maps a name written in a plan to a known unit: the name becomes the unit's alias, so the next import matches it. */
export async function mapUnitName(ctx: Authed, input: { name: string; unitId: string }) {
  return inTransaction(ctx.db, async (trx) => {
    const unit = await getUnit(trx, input.unitId);
    if (unit === undefined) throw notFound("单位");
    const taken = await nameTaken({ ...ctx, db: trx }, input.name);
    if (taken !== undefined && taken.id !== unit.id) throw new AppError("CONFLICT", `“${input.name}”已是单位“${taken.name}”的名称或别名`);
    if (taken === undefined) await updateUnit(trx, unit.id, { aliases: [...unit.aliases, input.name] });
    await recordAudit(ctx, trx, { action: "plan.map_unit_name", object_type: "unit", object_id: unit.id, comment: input.name, detail: { alias: input.name, unit: unit.name } });
    return { unitId: unit.id, name: unit.name };
  });
}

/** Creates a unit named as the plan writes it, from the import page. */
export async function createUnitFromImport(ctx: Authed, input: { name: string; kind: UnitKind }) {
  return inTransaction(ctx.db, async (trx) => {
    const taken = await nameTaken({ ...ctx, db: trx }, input.name);
    if (taken !== undefined) throw new AppError("CONFLICT", `“${input.name}”已是单位“${taken.name}”的名称或别名，请直接选用`);
    const unit = await createUnit(trx, { name: input.name, kind: input.kind, aliases: [], parent_id: null, created_at: ctx.clock().toISOString() });
    await recordAudit(ctx, trx, { action: "plan.create_unit", object_type: "unit", object_id: unit.id, comment: unit.name });
    return { unitId: unit.id, name: unit.name };
  });
}
