// Exports as offices make them: the task ledger (台账, Excel) and the quarterly bulletin (季通报, Word).
// The ledger is written as it is read: the plan's outline first (a few fields a task), then its rows
// a page of tasks at a time, each page's rows committed to the streaming workbook before the next
// page is read — so a plan of any size costs one page of rows in memory, and the HTTP download
// (http/exports.ts) sends the file while it is being made.
import { once } from "node:events";
import { PassThrough, Writable } from "node:stream";
import {
  getPlan,
  getTaskListItemsByIds,
  getTasksByIds,
  latestProgressByTask,
  listTaskCoUnits,
  listTaskOutlines,
  type PlanRow,
  type TaskListItem,
} from "@duban/db";
import {
  AlignmentType,
  BorderStyle,
  Document,
  HeadingLevel,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from "docx";
import ExcelJS from "exceljs";
import { AppError } from "../../errors";
import { recordAudit } from "../audit";
import { chineseDate, parseQuarter, QUARTER_NAMES } from "./calendar";
import { FLAG_LABELS, planDuesOf } from "../deadlines";
import { pathLabel, STAGE_LABELS, STATUS_LABELS, unitNameMap, type Authed } from "./common";
import { todayOf } from "../../clock";
import { computeMarks, marksOf, planDuesByPlan, type TaskMarks } from "./marks";
import { computeStats } from "./stats";

export interface ExportedFile {
  filename: string;
  mime: string;
  /** the file's bytes, base64 */
  base64: string;
}

export const XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
export const DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/** Tasks whose rows are read, written and committed together. */
export const LEDGER_PAGE_SIZE = 500;

const LEDGER_COLUMNS = [
  { header: "序号", width: 8 },
  { header: "任务内容", width: 60 },
  { header: "牵头单位", width: 18 },
  { header: "责任单位", width: 26 },
  { header: "完成时限", width: 14 },
  { header: "阶段", width: 10 },
  { header: "状态", width: 10 },
  { header: "最新进展", width: 40 },
  { header: "标记", width: 14 },
] as const;

function targetsLine(task: TaskListItem): string {
  const targets = task.targets as { text?: unknown }[];
  const texts = targets.map((t) => (typeof t?.text === "string" ? t.text : "")).filter(Boolean);
  return texts.length ? `\n量化指标：${texts.join("；")}` : "";
}

/**
 * The ledger's 标记: the deadline rule's flag, most serious first (deadlines.ts FLAGS — the order
 * the 督办单 colour follows too); "behind" ranks where the 督办单 puts it, after the red flags.
 */
function markText(m: TaskMarks | undefined): string {
  if (m === undefined) return "";
  if (m.colour === "yellow" && m.behind !== null) return "黄色（进度滞后）";
  return FLAG_LABELS[m.flag];
}

async function loadPlan(ctx: Authed, planId: string) {
  const plan = await getPlan(ctx.db, planId);
  if (plan === undefined) throw new AppError("NOT_FOUND", "工作方案不存在");
  return plan;
}

/** A safe ASCII-free-of-path file name part. */
function fileStem(text: string): string {
  return text.replace(/[\\/:*?"<>|\s]+/g, "").slice(0, 40) || "plan";
}

/** One line of the ledger below its header: a chapter's heading, or a task numbered by level (3, 3-1, 3-1-2). */
type LedgerLine = { kind: "section"; title: string } | { kind: "task"; id: string; number: string; level: number };

/** What the layout keeps of a task: its id, its parent, its chapter, and (for a task inside a chapter) its heading. */
interface OutlineEntry {
  id: string;
  parentId: string | null;
  section: string;
  nested: boolean;
  heading: string | null;
}

/**
 * The ledger's lines in order, from the plan's outline read page by page in document order. 层层分解:
 * each task is followed by its parts (and theirs), indented one step per level and numbered under it
 * (3, 3-1, 3-1-2); a part whose parent is not in the plan's list stands alone. Parts are numbered
 * after the plan's own tasks, so the whole outline is read before the first line is known.
 */
async function ledgerLines(ctx: Authed, planId: string, pageSize: number): Promise<{ count: number; lines: () => Generator<LedgerLine> }> {
  const entries: OutlineEntry[] = [];
  let cursor: string | null = null;
  do {
    const page: Awaited<ReturnType<typeof listTaskOutlines>> = await listTaskOutlines(ctx.db, { planId, cursor, limit: pageSize });
    for (const t of page.items) {
      const nested = t.path.length > 1;
      entries.push({ id: t.id, parentId: t.parent_id, section: t.path[0] ?? "", nested, heading: nested ? t.heading : null });
    }
    cursor = page.nextCursor;
  } while (cursor !== null);

  const ids = new Set(entries.map((t) => t.id));
  const partsOf = new Map<string, OutlineEntry[]>();
  const sections = new Map<string, OutlineEntry[]>();
  for (const t of entries) {
    const into = t.parentId !== null && ids.has(t.parentId) ? partsOf : sections;
    const key = into === partsOf ? (t.parentId as string) : t.section;
    const list = into.get(key);
    if (list === undefined) into.set(key, [t]);
    else list.push(t);
  }
  function* withParts(t: OutlineEntry, number: string, level: number): Generator<LedgerLine> {
    yield { kind: "task", id: t.id, number, level };
    for (const [k, part] of (partsOf.get(t.id) ?? []).entries()) yield* withParts(part, `${number}-${k + 1}`, level + 1);
  }
  function* lines(): Generator<LedgerLine> {
    let n = 0;
    for (const [section, list] of sections) {
      // A heading row for a chapter (一、…) whose tasks sit below it — not for a flat plan's own items.
      if (section !== "" && list.some((t) => t.nested)) {
        const heading = list.find((t) => t.nested && t.heading)?.heading ?? "";
        const sectionTitle = /^[一二三四五六七八九十]+$/.test(section) ? `${section}、${heading}` : `${section} ${heading}`;
        yield { kind: "section", title: sectionTitle.trim() };
      }
      for (const top of list) yield* withParts(top, String((n += 1)), 0);
    }
  }
  return { count: entries.length, lines };
}

/**
 * exceljs's streaming writer, made to write what its in-memory Workbook writes (exceljs 4.4's
 * internals, checked here so that an upgrade that moves them fails loudly instead of writing less):
 * - an empty text: the streaming writer writes it as a `t="str"` cell with no value, which reads back
 *   as an empty cell, not "". Written as a shared string it stays "" — and only "" is shared, so the
 *   shared-string table holds one entry, not every text of the plan until the end;
 * - print options (horizontalCentered): the streaming writer writes none; they go before the page
 *   margins, as the in-memory writer puts them.
 */
function streamingWorkbook(stream: Writable): ExcelJS.stream.xlsx.WorkbookWriter {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: true });
  const strings = (workbook as unknown as { sharedStrings?: { add?: (value: unknown) => number | undefined } }).sharedStrings;
  if (typeof strings?.add !== "function") throw new Error("exceljs: the streaming writer keeps no shared strings where 4.4 did");
  const share = strings.add.bind(strings);
  strings.add = (value) => (value === "" ? share(value) : undefined);
  return workbook;
}

function writePrintOptions(sheet: ExcelJS.Worksheet): void {
  const writer = sheet as unknown as { _write?: (xml: string) => void; _writePageMargins?: () => void };
  const { _write: write, _writePageMargins: margins } = writer;
  if (typeof write !== "function" || typeof margins !== "function") throw new Error("exceljs: the streaming sheet writer has changed since 4.4");
  const { showRowColHeaders, showGridLines, horizontalCentered, verticalCentered } = sheet.pageSetup;
  const attributes = Object.entries({ headings: showRowColHeaders, gridLines: showGridLines, horizontalCentered, verticalCentered })
    .filter(([, on]) => on === true)
    .map(([name]) => ` ${name}="1"`)
    .join("");
  writer._writePageMargins = () => {
    if (attributes !== "") write.call(sheet, `<printOptions${attributes}/>`);
    margins.call(sheet);
  };
}

/**
 * Writes the plan's ledger as .xlsx into `out` (without ending it) and returns how many tasks it
 * lists. Rows are committed page by page; between pages it waits while `out` is backed up, and a
 * closed or failed `out` stops it.
 */
async function writeLedger(ctx: Authed, plan: PlanRow, today: string, out: Writable, pageSize: number): Promise<number> {
  const { count, lines } = await ledgerLines(ctx, plan.id, pageSize);
  const dues = (await planDuesByPlan(ctx, [plan.id])).get(plan.id) ?? planDuesOf([]);
  /** lead and co-units' names (short name first), read as pages name them: at most the unit registry */
  const names = new Map<string, string>();

  const zip = new PassThrough();
  zip.pipe(out, { end: false });
  const stop = (cause: Error) => () => zip.destroy(cause);
  const onError = (err: Error) => zip.destroy(err);
  const onClose = stop(new Error("the ledger's output closed before the file was complete"));
  out.once("error", onError);
  out.once("close", onClose);
  const written = once(zip, "end");
  written.catch(() => undefined); // awaited below; a failure before then must not go unhandled
  try {
    const workbook = streamingWorkbook(zip);
    workbook.creator = "督查督办系统";
    const sheet = workbook.addWorksheet("任务台账", {
      views: [{ state: "frozen", ySplit: 2 }],
      pageSetup: {
        paperSize: 9, // A4
        orientation: "landscape",
        fitToPage: true,
        fitToWidth: 1,
        fitToHeight: 0,
        printTitlesRow: "2:2",
        horizontalCentered: true,
        margins: { left: 0.4, right: 0.4, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
      },
      headerFooter: { oddFooter: "第 &P 页，共 &N 页" },
    });
    writePrintOptions(sheet);
    sheet.columns = LEDGER_COLUMNS.map((c) => ({ width: c.width }));
    const ncol = LEDGER_COLUMNS.length;
    const thin = { style: "thin" as const };
    const border = { top: thin, left: thin, bottom: thin, right: thin };

    const title = sheet.addRow([`${plan.title}${plan.doc_number ? `（${plan.doc_number}）` : ""}任务台账（截至${chineseDate(today)}）`]);
    sheet.mergeCells(1, 1, 1, ncol);
    title.height = 32;
    title.getCell(1).font = { name: "方正小标宋简体", size: 16, bold: true };
    title.getCell(1).alignment = { horizontal: "center", vertical: "middle" };
    title.commit();

    const header = sheet.addRow(LEDGER_COLUMNS.map((c) => c.header));
    header.height = 22;
    header.eachCell((cell) => {
      cell.font = { name: "黑体", size: 11, bold: true };
      cell.alignment = { horizontal: "center", vertical: "middle", wrapText: true };
      cell.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFD9E1F2" } };
      cell.border = border;
    });
    header.commit();

    const writePage = async (page: LedgerLine[]) => {
      if (zip.destroyed) throw zip.errored ?? new Error("the ledger's output closed before the file was complete");
      const ids = page.flatMap((l) => (l.kind === "task" ? [l.id] : []));
      const [rows, latest, coUnits] = await Promise.all([
        getTaskListItemsByIds(ctx.db, ids),
        latestProgressByTask(ctx.db, ids),
        listTaskCoUnits(ctx.db, ids, { order: "unit_id" }),
      ]);
      const tasks = new Map(rows.map((t) => [t.id, t]));
      const unknown = [...new Set([...rows.map((t) => t.lead_unit_id), ...[...coUnits.values()].flat().map((u) => u.id)])].filter(
        (id): id is string => id !== null && !names.has(id),
      );
      for (const [id, name] of await unitNameMap(ctx.db, unknown)) names.set(id, name);
      for (const line of page) {
        if (line.kind === "section") {
          const row = sheet.addRow([line.title]);
          sheet.mergeCells(row.number, 1, row.number, ncol);
          row.getCell(1).font = { name: "黑体", size: 11, bold: true };
          row.getCell(1).alignment = { vertical: "middle" };
          row.getCell(1).border = border;
          row.commit();
          continue;
        }
        const t = tasks.get(line.id);
        if (t === undefined) continue; // deleted since the outline was read
        const { number, level } = line;
        const m = marksOf(ctx, t, dues, today);
        const co = (coUnits.get(t.id) ?? []).map((u) => names.get(u.id) ?? u.id).join("、");
        const text = latest.get(t.id)?.text;
        const progress = text ? `${t.latest_percent !== null ? `【${t.latest_percent}%】` : ""}${text}` : "";
        const due = m.stageDues.find((d) => d.stage === "handle");
        const row = sheet.addRow([
          level === 0 ? Number(number) : number,
          `${level > 0 ? "子任务 " : ""}${pathLabel(t.path)} ${t.text}${targetsLine(t)}`,
          t.lead_unit_id ? (names.get(t.lead_unit_id) ?? "") : "",
          co,
          t.deadline_text ?? (due?.due ? chineseDate(due.due) : ""),
          STAGE_LABELS[t.stage] ?? t.stage,
          (STATUS_LABELS as Record<string, string>)[t.status] ?? t.status,
          progress,
          markText(m),
        ]);
        row.eachCell({ includeEmpty: true }, (cell, col) => {
          cell.border = border;
          cell.font = { name: "仿宋_GB2312", size: 11 };
          cell.alignment = { vertical: "middle", wrapText: true, horizontal: col === 1 || (col >= 5 && col <= 7) ? "center" : "left", ...(col === 2 && level > 0 ? { indent: level * 2 } : {}) };
        });
        const colour = m.colour === "red" ? "FFFFC7CE" : m.colour === "yellow" || m.colour === "blue" ? "FFFFEB9C" : null;
        if (colour) row.getCell(ncol).fill = { type: "pattern", pattern: "solid", fgColor: { argb: colour } };
        row.commit();
      }
      // the next page waits while the reader is behind (a slow download holds back the reads)
      while (zip.writableNeedDrain && !zip.destroyed) await once(zip, "drain");
    };

    let page: LedgerLine[] = [];
    let inPage = 0;
    for (const line of lines()) {
      page.push(line);
      if (line.kind === "task" && ++inPage === pageSize) {
        await writePage(page);
        page = [];
        inPage = 0;
      }
    }
    await writePage(page);
    sheet.commit();
    if (zip.destroyed) throw zip.errored ?? new Error("the ledger's output closed before the file was complete");
    await workbook.commit();
    await written;
    return count;
  } finally {
    out.off("error", onError);
    out.off("close", onClose);
    zip.unpipe(out);
  }
}

/** A ledger ready to be written: its name, and `write`, which streams it into `out` (without ending it) and then audits the export. */
export interface LedgerFile {
  filename: string;
  mime: string;
  write(out: Writable): Promise<void>;
}

/**
 * The plan's ledger (台账). The plan is looked up now (NOT_FOUND before anything is sent); the
 * export is audited once its last byte is written, before the caller ends the output — so a
 * download that completes has its record, and one that fails midway is never complete.
 */
export async function openLedger(ctx: Authed, input: { planId: string }, options: { pageSize?: number } = {}): Promise<LedgerFile> {
  const plan = await loadPlan(ctx, input.planId);
  const today = todayOf(ctx);
  return {
    filename: `${fileStem(plan.title)}-任务台账-${today}.xlsx`,
    mime: XLSX_MIME,
    write: async (out) => {
      const tasks = await writeLedger(ctx, plan, today, out, options.pageSize ?? LEDGER_PAGE_SIZE);
      await recordAudit(ctx, ctx.db, { action: "supervision.exportLedger", object_type: "plan", object_id: plan.id, detail: { tasks } });
    },
  };
}

/** The ledger as base64 in JSON (tRPC supervision.exportLedger); the web app downloads GET /api/exports/ledger instead. */
export async function exportLedger(ctx: Authed, input: { planId: string }, options: { pageSize?: number } = {}): Promise<ExportedFile> {
  const ledger = await openLedger(ctx, input, options);
  const chunks: Buffer[] = [];
  await ledger.write(
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk);
        done();
      },
    }),
  );
  return { filename: ledger.filename, mime: ledger.mime, base64: Buffer.concat(chunks).toString("base64") };
}

const pct = (x: number | null) => (x === null ? "—" : `${Math.round(x * 1000) / 10}%`);

function cell(text: string, opts: { bold?: boolean; width?: number } = {}): TableCell {
  return new TableCell({
    children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ text, bold: opts.bold ?? false, font: "仿宋_GB2312", size: 21 })] })],
    ...(opts.width ? { width: { size: opts.width, type: WidthType.PERCENTAGE } } : {}),
  });
}

function table(headers: string[], rows: string[][]): Table {
  const b = { style: BorderStyle.SINGLE, size: 4, color: "000000" };
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    borders: { top: b, bottom: b, left: b, right: b, insideHorizontal: b, insideVertical: b },
    rows: [
      new TableRow({ tableHeader: true, children: headers.map((h) => cell(h, { bold: true })) }),
      ...rows.map((r) => new TableRow({ children: r.map((c) => cell(c)) })),
    ],
  });
}

function para(text: string, options: { heading?: boolean; indent?: boolean } = {}): Paragraph {
  return new Paragraph({
    ...(options.heading ? { heading: HeadingLevel.HEADING_2 } : {}),
    ...(options.indent ? { indent: { firstLine: 640 } } : {}),
    spacing: { after: 120, line: 360 },
    children: [new TextRun({ text, font: options.heading ? "黑体" : "仿宋_GB2312", size: 32 })],
  });
}

/** 季通报: the quarter's figures, the per-unit table and the overdue list (as of the quarter's end or today). */
export async function exportBulletin(ctx: Authed, input: { planId: string; quarter: string }): Promise<ExportedFile> {
  const plan = await loadPlan(ctx, input.planId);
  let quarter;
  try {
    quarter = parseQuarter(input.quarter);
  } catch {
    throw new AppError("BAD_INPUT", "季度格式应为 2026Q3");
  }
  const today = todayOf(ctx);
  const asOf = today < quarter.to ? today : quarter.to;
  const stats = await computeStats(ctx, { planId: plan.id, today: asOf, from: quarter.from, to: quarter.to, limit: Infinity }); // every overdue task of the plan
  const overdueTasks = await getTasksByIds(ctx.db, stats.overdue.taskIds);
  overdueTasks.sort((a, b) => a.ordinal - b.ordinal);
  const marks = await computeMarks(ctx, overdueTasks, asOf);
  const names = await unitNameMap(ctx.db, overdueTasks.map((t) => t.lead_unit_id));
  const stageCount = (s: string) => stats.byStage.find((b) => b.stage === s)?.count ?? 0;
  const periodName = `${quarter.year}年${QUARTER_NAMES[quarter.q]}`;

  const doc = new Document({
    creator: "督查督办系统",
    title: `${periodName}通报`,
    sections: [
      {
        properties: { page: { size: { width: 11906, height: 16838 }, margin: { top: 2098, bottom: 1984, left: 1588, right: 1474 } } },
        children: [
          new Paragraph({
            alignment: AlignmentType.CENTER,
            spacing: { after: 240 },
            children: [new TextRun({ text: `关于${periodName}《${plan.title}》推进情况的通报`, font: "方正小标宋简体", size: 40, bold: true })],
          }),
          para(`按照“月调度、季通报、半年检查、全年总结”的工作机制，现将${periodName}${plan.doc_number ? `（${plan.doc_number}）` : ""}各项任务推进情况通报如下（统计截至${chineseDate(asOf)}）。`, { indent: true }),
          para("一、总体情况", { heading: true }),
          para(
            `方案共有任务 ${stats.total} 项，其中部署阶段 ${stageCount("deploy")} 项、办理阶段 ${stageCount("handle")} 项、检查阶段 ${stageCount("inspect")} 项、总结阶段 ${stageCount("summarize")} 项、测评阶段 ${stageCount("evaluate")} 项、已办结 ${stageCount("done")} 项。` +
              `本季度完成办理 ${stats.onTime.completed} 项，其中按期完成 ${stats.onTime.completedOnTime} 项，按期完成率 ${pct(stats.onTime.rate)}；逾期未完成 ${stats.overdue.count} 项；` +
              `本季度审核退回 ${stats.returns.total} 次；本月（${stats.missingReports.period}）未按时报送进度 ${stats.missingReports.total} 项。`,
            { indent: true },
          ),
          para("二、各单位推进情况", { heading: true }),
          table(
            ["排名", "单位", "牵头任务", "按期完成", "按期完成率", "逾期", "退回次数", "未报月报"],
            stats.units.map((u) => [String(u.rank), u.unitName, String(u.lead), `${u.completedOnTime}/${u.completed}`, pct(u.onTimeRate), String(u.overdue), String(u.returns), String(u.missingReports)]),
          ),
          para("三、逾期任务清单", { heading: true }),
          overdueTasks.length === 0
            ? para("本期无逾期任务。", { indent: true })
            : table(
                ["序号", "任务", "牵头单位", "办理时限", "逾期工作日"],
                overdueTasks.map((t, i) => {
                  const m = marks.get(t.id);
                  return [String(i + 1), `${pathLabel(t.path)} ${t.text.slice(0, 60)}`, t.lead_unit_id ? (names.get(t.lead_unit_id) ?? "") : "", m?.due ? chineseDate(m.due) : "", String(-(m?.workdaysLeft ?? 0))];
                }),
              ),
          para("四、退回原因分布", { heading: true }),
          para(stats.returns.byReason.filter((r) => r.count > 0).map((r) => `${r.label} ${r.count} 次`).join("，") || "本季度无退回。", { indent: true }),
          para("请逾期和未按时报送进度的单位抓紧推进，于下月调度前报送整改情况。", { indent: true }),
        ],
      },
    ],
  });
  const base64 = (await Packer.toBuffer(doc)).toString("base64");
  await recordAudit(ctx, ctx.db, { action: "supervision.exportBulletin", object_type: "plan", object_id: plan.id, detail: { quarter: quarter.id } });
  return { filename: `${fileStem(plan.title)}-${quarter.id}-季通报.docx`, mime: DOCX_MIME, base64 };
}
