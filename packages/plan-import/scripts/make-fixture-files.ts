/**
 * Builds the file fixtures under test/fixtures/files from corpus plans, with the libraries an
 * office's software writes such files with: .docx (docx: paragraphs, and a table with merged
 * cells and a table style the file does not define), .xlsx (exceljs: title row, merged cells,
 * two sheets), .doc (test/make-doc.ts). The PDF was printed once by Chromium from the corpus text
 * (`chromium --headless --print-to-pdf`) and is committed as it is.
 * Each fixture gets NAME.expected.json: the tasks the corpus JSON expects (paths as the fixture writes them).
 * Run: pnpm exec tsx scripts/make-fixture-files.ts
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Document, Packer, Paragraph, Table, TableCell, TableRow } from "docx";
import ExcelJS from "exceljs";
import { makeDoc } from "../test/make-doc.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const corpus = path.join(root, "test/corpus");
const out = path.join(root, "test/fixtures/files");

interface Task {
  path: string[];
  heading: string | null;
  leadUnits: string[];
  responsibleUnits: string[];
}

const load = (name: string): { text: string; tasks: Task[] } => ({
  text: readFileSync(path.join(corpus, `${name}.txt`), "utf8"),
  tasks: (JSON.parse(readFileSync(path.join(corpus, `${name}.json`), "utf8")) as { tasks: Task[] }).tasks,
});

/** Full-width punctuation, as a Word file from an office has it. */
const fullWidth = (s: string): string => s.replace(/\(/g, "（").replace(/\)/g, "）").replace(/:/g, "：").replace(/;/g, "；").replace(/,/g, "，");

function expect(name: string, tasks: Task[]): void {
  const shaped = tasks.map((t) => ({ path: t.path, leadUnits: t.leadUnits, responsibleUnits: t.responsibleUnits }));
  writeFileSync(path.join(out, `${name}.expected.json`), `${JSON.stringify({ tasks: shaped }, null, 2)}\n`);
}

// .docx of paragraphs, full-width punctuation
{
  const { text, tasks } = load("heilongjiang-2013-fengong");
  const doc = new Document({ sections: [{ children: text.split("\n").map((l) => new Paragraph(fullWidth(l.trim()))) }] });
  writeFileSync(path.join(out, "heilongjiang-2013-fengong.docx"), await Packer.toBuffer(doc));
  expect("heilongjiang-2013-fengong.docx", tasks.map((t) => ({ ...t, path: t.path.map(fullWidth) })));
}

// .docx with a task table: title, header, a category row merged across, 牵头单位 merged down
{
  const { tasks } = load("guangzhou-2006-zhongdian");
  const cell = (text: string, more: { columnSpan?: number; rowSpan?: number } = {}): TableCell =>
    new TableCell({ children: [new Paragraph(text)], ...more });
  const rows: TableRow[] = [
    new TableRow({ children: ["序号", "工作任务", "牵头单位", "配合单位"].map((h) => cell(h)) }),
    new TableRow({ children: [cell("一、努力构建现代产业体系，促进经济又快又好发展", { columnSpan: 4 })] }),
  ];
  for (let i = 0; i < tasks.length; i++) {
    const t = tasks[i] as Task;
    const prev = tasks[i - 1];
    const next = tasks[i + 1];
    const sameLead = (a: Task | undefined): boolean => a !== undefined && a.leadUnits.join() === t.leadUnits.join();
    const children = [cell(t.path[1] ?? ""), cell(`${t.heading ?? ""}。`)];
    if (!sameLead(prev)) children.push(cell(t.leadUnits.join("、"), sameLead(next) ? { rowSpan: 2 } : {}));
    children.push(cell(t.responsibleUnits.join("、")));
    rows.push(new TableRow({ children }));
  }
  const doc = new Document({
    sections: [{
      children: [
        new Paragraph("穗府办〔2006〕19号"),
        new Paragraph("2006年《政府工作报告》要求重点做好的工作事项分解表"),
        // a table style the file does not define, as some office suites write it
        new Table({ rows, style: "UndefinedTaskTableStyle" }),
      ],
    }],
  });
  writeFileSync(path.join(out, "guangzhou-2006-zhongdian-table.docx"), await Packer.toBuffer(doc));
  expect("guangzhou-2006-zhongdian-table.docx", tasks);
}

// .xlsx: a title row merged across, header, a category row merged across, two sheets
{
  const changshu = load("changshu-2018-renwufenjie");
  const chongchuan = load("chongchuan-2023-minsheng");
  const workbook = new ExcelJS.Workbook();
  const first = workbook.addWorksheet("任务分解表");
  first.addRow(["常熟市2018年政府工作任务分解表", "", "", ""]);
  first.mergeCells("A1:D1");
  first.addRow(["序号", "名称", "工作任务", "牵头责任单位"]);
  first.addRow(["一、经济社会发展主要预期目标分解(11项)", "", "", ""]);
  first.mergeCells("A3:D3");
  for (const t of changshu.tasks) first.addRow([Number(t.path[1]), "", `${t.heading ?? ""}。`, t.leadUnits.join("、")]);
  const second = workbook.addWorksheet("民生实事");
  second.addRow(["序号", "主要任务", "分管领导", "牵头单位", "责任主体与协同单位"]);
  for (const t of chongchuan.tasks) second.addRow([Number(t.path[0]), `${t.heading ?? ""}。`, "徐国江", t.leadUnits.join("、"), t.responsibleUnits.join("、")]);
  // the 分管领导 column merged down, as offices write it
  second.mergeCells(`C2:C${chongchuan.tasks.length + 1}`);
  writeFileSync(path.join(out, "changshu-chongchuan.xlsx"), Buffer.from(await workbook.xlsx.writeBuffer()));
  expect("changshu-chongchuan.xlsx", [...changshu.tasks, ...chongchuan.tasks]);
}

// .doc (Word 97-2003)
{
  const { text, tasks } = load("yongkang-2008-zhongdian");
  writeFileSync(path.join(out, "yongkang-2008-zhongdian.doc"), makeDoc(text.split("\n")));
  expect("yongkang-2008-zhongdian.doc", tasks);
}

// PDF (printed by Chromium from the full-width text; see the header)
expect("guangzhou-2006-zhongdian.pdf", load("guangzhou-2006-zhongdian").tasks.map((t) => ({ ...t, path: t.path.map(fullWidth) })));

// .txt saved as UTF-16 with a BOM ("Unicode" in Notepad); GB18030 text is covered in src/files.test.ts
{
  const { text, tasks } = load("chuzhou-2020-zhongdian");
  writeFileSync(path.join(out, "chuzhou-2020-zhongdian.txt"), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]));
  expect("chuzhou-2020-zhongdian.txt", tasks);
}
