// Exports as offices make them: the task ledger (台账, Excel) and the quarterly bulletin (季通报, Word).
import { getPlan, getTasksByIds, latestProgressByTask, listTaskUnitLinks, type TaskListItem as Task } from "@duban/db";
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
import { FLAG_LABELS } from "../deadlines";
import { allTasks, pathLabel, STAGE_LABELS, STATUS_LABELS, unitNameMap, type Authed } from "./common";
import { todayOf } from "../../clock";
import { computeMarks, type TaskMarks } from "./marks";
import { computeStats } from "./stats";

export interface ExportedFile {
  filename: string;
  mime: string;
  /** the file's bytes, base64 */
  base64: string;
}

export const XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
export const DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

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

function targetsLine(task: Task): string {
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

export async function exportLedger(ctx: Authed, input: { planId: string }): Promise<ExportedFile> {
  const plan = await loadPlan(ctx, input.planId);
  const today = todayOf(ctx);
  const tasks = await allTasks(ctx.db, { planId: plan.id });
  const marks = await computeMarks(ctx, tasks, today);
  const latest = await latestProgressByTask(ctx.db, tasks.map((t) => t.id));
  const links = new Map<string, string[]>();
  for (const l of await listTaskUnitLinks(ctx.db, { planId: plan.id })) {
    if (l.relation === "co") links.set(l.task_id, [...(links.get(l.task_id) ?? []), l.unit_id]);
  }
  const names = await unitNameMap(ctx.db, [...tasks.map((t) => t.lead_unit_id), ...[...links.values()].flat()]);

  const workbook = new ExcelJS.Workbook();
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
  sheet.columns = LEDGER_COLUMNS.map((c) => ({ width: c.width }));
  const ncol = LEDGER_COLUMNS.length;
  const thin = { style: "thin" as const };
  const border = { top: thin, left: thin, bottom: thin, right: thin };

  const title = sheet.addRow([`${plan.title}${plan.doc_number ? `（${plan.doc_number}）` : ""}任务台账（截至${chineseDate(today)}）`]);
  sheet.mergeCells(1, 1, 1, ncol);
  title.height = 32;
  title.getCell(1).font = { name: "方正小标宋简体", size: 16, bold: true };
  title.getCell(1).alignment = { horizontal: "center", vertical: "middle" };

  const header = sheet.addRow(LEDGER_COLUMNS.map((c) => c.header));
  header.height = 22;
  header.eachCell((cell) => {
    cell.font = { name: "黑体", size: 11, bold: true };
    cell.alignment = { horizontal: "center", vertical: "middle", wrapText: true };
    cell.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFD9E1F2" } };
    cell.border = border;
  });

  // 层层分解: each task is followed by its parts (and theirs), indented one step per level and
  // numbered under it (3, 3-1, 3-1-2); a part whose parent is not in the plan's list stands alone.
  const ids = new Set(tasks.map((t) => t.id));
  const partsOf = new Map<string, Task[]>();
  for (const t of tasks) {
    if (t.parent_id !== null && ids.has(t.parent_id)) partsOf.set(t.parent_id, [...(partsOf.get(t.parent_id) ?? []), t]);
  }
  const sections = new Map<string, Task[]>();
  for (const t of tasks) {
    if (t.parent_id !== null && ids.has(t.parent_id)) continue;
    const key = t.path[0] ?? "";
    sections.set(key, [...(sections.get(key) ?? []), t]);
  }
  const withParts = (t: Task, number: string, level: number): { task: Task; number: string; level: number }[] => [
    { task: t, number, level },
    ...(partsOf.get(t.id) ?? []).flatMap((part, k) => withParts(part, `${number}-${k + 1}`, level + 1)),
  ];
  let n = 0;
  for (const [section, list] of sections) {
    // A heading row for a chapter (一、…) whose tasks sit below it — not for a flat plan's own items.
    if (section !== "" && list.some((t) => t.path.length > 1)) {
      const heading = list.find((t) => t.path.length > 1 && t.heading)?.heading ?? "";
      const sectionTitle = /^[一二三四五六七八九十]+$/.test(section) ? `${section}、${heading}` : `${section} ${heading}`;
      const row = sheet.addRow([sectionTitle.trim()]);
      sheet.mergeCells(row.number, 1, row.number, ncol);
      row.getCell(1).font = { name: "黑体", size: 11, bold: true };
      row.getCell(1).alignment = { vertical: "middle" };
      row.getCell(1).border = border;
    }
    for (const { task: t, number, level } of list.flatMap((top) => withParts(top, String((n += 1)), 0))) {
      const m = marks.get(t.id);
      const co = (links.get(t.id) ?? []).map((id) => names.get(id) ?? id).join("、");
      const text = latest.get(t.id)?.text;
      const progress = text ? `${t.latest_percent !== null ? `【${t.latest_percent}%】` : ""}${text}` : "";
      const due = m?.stageDues.find((d) => d.stage === "handle");
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
      const colour = m?.colour === "red" ? "FFFFC7CE" : m?.colour === "yellow" || m?.colour === "blue" ? "FFFFEB9C" : null;
      if (colour) row.getCell(ncol).fill = { type: "pattern", pattern: "solid", fgColor: { argb: colour } };
    }
  }
  const base64 = Buffer.from(await workbook.xlsx.writeBuffer()).toString("base64");
  await recordAudit(ctx, ctx.db, { action: "supervision.exportLedger", object_type: "plan", object_id: plan.id, detail: { tasks: tasks.length } });
  return { filename: `${fileStem(plan.title)}-任务台账-${today}.xlsx`, mime: XLSX_MIME, base64 };
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
