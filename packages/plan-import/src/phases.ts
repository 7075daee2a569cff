/**
 * Phases of 进度安排 / 工作安排: "动员部署阶段（2021年4月）。…", "办理落实阶段(2024年4月-9月)。…
 * 6月底前，各责任单位报送…小结。" → name, start/end month, lifecycle stage, dated duties.
 */
import { findAllDeadlines } from "./deadline.js";
import type { ParsedPhase, PhaseDuty, StageId } from "./types.js";

/** Titles of sections whose items are phases. */
export const PHASE_SECTION = /进度安排|工作安排|时间安排|实施步骤|工作步骤|方法步骤|步骤安排|阶段安排|工作进度|进度要求|时间节点/;

/** "动员部署阶段（2021年4月）…" at the start of an item. */
const PHASE_HEAD = /^(.{1,16}?阶段)\s*(?:[（(]([^）)]*)[）)])?\s*[。.:：，,；;]?\s*/s;
/** In a phase section, items without the word 阶段: "动员部署（4月）". */
const LOOSE_HEAD = /^([^（(。，,：:；;\n]{1,16}?)\s*[（(]([^）)]*\d[^）)]*)[）)]\s*[。.:：，,；;]?\s*/s;

const STAGES: [RegExp, StageId][] = [
  [/测评|满意度|评议|评价/, "evaluate"],
  [/总结|汇报|验收|评估/, "summarize"],
  [/检查|督查|督办|督导|视察|巡查/, "inspect"],
  [/部署|动员|启动|准备|筹备|宣传发动/, "deploy"],
  [/办理|落实|实施|推进|整改|攻坚|执行/, "handle"],
];

export function stageOf(name: string): StageId | null {
  for (const [re, stage] of STAGES) if (re.test(name)) return stage;
  return null;
}

const pad = (n: number): string => String(n).padStart(2, "0");

/** "2021年4月" → 04..04, "2021年5-10月", "2024年1月-3月", "2021年12月-2022年2月", "5-10月". */
export function parseMonthRange(
  text: string,
  referenceYear: number | null,
): { start: string | null; end: string | null } {
  const t = text.replace(/\s+/g, "");
  const m =
    /(?:(\d{4})年)?(\d{1,2})月?(?:[上中下]旬|底|初|中|末)?(?:[-—–~～至到](?:(\d{4})年)?(\d{1,2})月)?/.exec(t);
  if (!m || (m[4] === undefined && !/月/.test(m[0]))) return { start: null, end: null };
  const y1 = m[1] !== undefined ? Number(m[1]) : referenceYear;
  const m1 = Number(m[2]);
  const y2 = m[3] !== undefined ? Number(m[3]) : y1;
  const m2 = m[4] !== undefined ? Number(m[4]) : m1;
  if (y1 === null || y2 === null || m1 < 1 || m1 > 12 || m2 < 1 || m2 > 12) return { start: null, end: null };
  return { start: `${y1}-${pad(m1)}`, end: `${y2}-${pad(m2)}` };
}

/** Sentences of a phase text that carry a deadline become duties. */
function dutiesOf(body: string, year: number | null): PhaseDuty[] {
  const duties: PhaseDuty[] = [];
  for (const sentence of body.split(/[。；;！!\n]/)) {
    const found = findAllDeadlines(sentence, year);
    for (const d of found) {
      // the duty runs from the start of the clause holding the deadline to the end of the sentence
      const clauseStart = Math.max(
        ...["，", ",", "：", ":"].map((p) => sentence.lastIndexOf(p, d.index - 1) + 1),
        0,
      );
      const text = sentence.slice(clauseStart).trim();
      duties.push({ text, deadline: d.deadline, dueDate: d.dueDate });
    }
  }
  return duties;
}

/**
 * Read an item as a phase. `inPhaseSection` allows headings without the word 阶段.
 * Returns null when the item is not a phase.
 */
export function parsePhase(
  itemText: string,
  inPhaseSection: boolean,
  referenceYear: number | null,
): ParsedPhase | null {
  const m = PHASE_HEAD.exec(itemText) ?? (inPhaseSection ? LOOSE_HEAD.exec(itemText) : null);
  if (!m) return null;
  const name = (m[1] ?? "").trim();
  const window = m[2] !== undefined ? parseMonthRange(m[2], referenceYear) : { start: null, end: null };
  if (!inPhaseSection && window.start === null) return null;
  const body = itemText.slice(m[0].length).trim();
  const year = window.start !== null ? Number(window.start.slice(0, 4)) : referenceYear;
  return {
    name,
    start: window.start,
    end: window.end,
    stage: stageOf(name),
    duties: dutiesOf(body, year),
    text: body,
  };
}
