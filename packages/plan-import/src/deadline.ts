/**
 * Deadlines (完成时限): "2023年底" → 2023-12-31, "3月底前" (2024 plan) → 2024-03-31,
 * "2021年11月" → 2021-11-30, "到“十三五”末" → 2020-12-31.
 */

export interface Deadline {
  /** The words as written, whitespace removed ("2021年底"). */
  deadline: string;
  /** YYYY-MM-DD, or null when the year is unknown or the deadline is open ("长期"). */
  dueDate: string | null;
}

interface Rule {
  re: RegExp;
  /** Resolve the match to [year | null, month, day | "end"], or null to reject it. */
  resolve: (m: RegExpExecArray, referenceYear: number | null) => string | null | undefined;
}

const pad = (n: number): string => String(n).padStart(2, "0");

function lastDay(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function isoDate(year: number | null, month: number, day: number | "end"): string | null | undefined {
  if (!Number.isInteger(month) || month < 1 || month > 12) return undefined;
  if (year === null) return null;
  const d = day === "end" ? lastDay(year, month) : day;
  if (!Number.isInteger(d) || d < 1 || d > lastDay(year, month)) return undefined;
  return `${year}-${pad(month)}-${pad(d)}`;
}

const QUARTER: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, "1": 1, "2": 2, "3": 3, "4": 4 };
const PLAN_NUMBER: Record<string, number> = {
  一: 11, 二: 12, 三: 13, 四: 14, 五: 15, 六: 16, 七: 17, 八: 18, 九: 19,
};

function tenDay(word: string | undefined): number | "end" {
  if (word === "上旬") return 10;
  if (word === "中旬") return 20;
  return "end";
}

const Y = "(\\d{4})\\s*年\\s*";

/** In free text: every rule needs a year, or a 底/末/前/旬 that makes a month a deadline. */
const RULES: Rule[] = [
  // 2021年4月17日(前)
  {
    re: new RegExp(`${Y}(\\d{1,2})\\s*月\\s*(\\d{1,2})\\s*[日号]\\s*(?:前)?`, "g"),
    resolve: (m) => isoDate(Number(m[1]), Number(m[2]), Number(m[3])),
  },
  // 2021年11月(底|末|上旬…)(前)
  {
    re: new RegExp(`${Y}(\\d{1,2})\\s*月\\s*(?:份)?\\s*(上旬|中旬|下旬|底|末)?\\s*(?:前)?(?!\\s*[-—–~～至到]\\s*\\d)(?!\\s*\\d{1,2}\\s*[日号])`, "g"),
    resolve: (m) => isoDate(Number(m[1]), Number(m[2]), tenDay(m[3])),
  },
  // 2023年底(前), 2023年年底, 2023年末
  {
    re: new RegExp(`${Y}(?:年)?\\s*(?:底|末)\\s*(?:前)?`, "g"),
    resolve: (m) => isoDate(Number(m[1]), 12, 31),
  },
  // 2023年上半年 / 年中
  {
    re: new RegExp(`${Y}(?:上半年|年中)\\s*(?:底|末)?\\s*(?:前)?`, "g"),
    resolve: (m) => isoDate(Number(m[1]), 6, 30),
  },
  // 2023年下半年 / 年内
  {
    re: new RegExp(`${Y}(?:下半年|年内)`, "g"),
    resolve: (m) => isoDate(Number(m[1]), 12, 31),
  },
  // 2023年第一季度(末)(前)
  {
    re: new RegExp(`${Y}第?\\s*([一二三四1-4])\\s*季度\\s*(?:末|底)?\\s*(?:前)?`, "g"),
    resolve: (m) => isoDate(Number(m[1]), (QUARTER[m[2] ?? ""] ?? 0) * 3, "end"),
  },
  // 到2026年 / 至2023年 (a bare year only counts after 到/至)
  {
    re: /(?<=(?:到|至)\s*)(\d{4})\s*年(?!\s*(?:\d|底|末|年|上半|下半|中|内|第|[一二三四]季|起|以来|度|初|前后))/g,
    resolve: (m) => isoDate(Number(m[1]), 12, 31),
  },
  // 4月17日前 (no year)
  {
    re: /(?<![\d年])(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]\s*前/g,
    resolve: (m, ref) => isoDate(ref, Number(m[1]), Number(m[2])),
  },
  // 3月底前, 6月底, 10月中旬 (no year)
  {
    re: /(?<![\d年\-—–~～])(\d{1,2})\s*月\s*(?:份)?\s*(上旬|中旬|下旬|底|末)\s*(?:前)?|(?<![\d年\-—–~～])(\d{1,2})\s*月\s*(?:份)?\s*前/g,
    resolve: (m, ref) => isoDate(ref, Number(m[1] ?? m[3]), tenDay(m[2])),
  },
  // “十三五”末 / 十四五期间
  {
    re: /[“"]?十([一二三四五六七八九])五[”"]?\s*(?:末|期间|时期)/g,
    resolve: (m) => {
      const n = PLAN_NUMBER[m[1] ?? ""];
      return n === undefined ? undefined : isoDate(1955 + 5 * n, 12, 31);
    },
  },
];

const strip = (s: string): string => s.replace(/\s+/g, "");

/**
 * A date that names when something happened or began is not a deadline: "2021年4月17日全市养老
 * 工作会议", "2021年11月印发的《实施方案》", "自2022年1月起". Told by what follows the date (an
 * event, a start) or what precedes it (自/从); a date with 前/底/末 never reaches this test as such.
 */
const REFERENCE_AFTER = /^\s*(?:起|以来|开始|以后|之后|召开|印发|发布|出台|颁布|施行|实施的|的[^，。；,;]{0,20}(?:会议|讲话|文件|通知|意见|方案|精神)|[^，。；,;前底末]{0,12}(?:会议|讲话|精神|文件))/;
const REFERENCE_BEFORE = /(?:自|从)\s*$/;

function isReference(text: string, m: RegExpExecArray): boolean {
  if (/[前底末]\s*$/.test(m[0])) return false;
  return REFERENCE_AFTER.test(text.slice(m.index + m[0].length)) || REFERENCE_BEFORE.test(text.slice(0, m.index));
}

/** The first deadline written in free text, or null (dates of events and starts are not deadlines). */
export function findDeadline(text: string, referenceYear: number | null = null): Deadline | null {
  let best: { index: number; length: number; result: Deadline } | null = null;
  for (const rule of RULES) {
    rule.re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = rule.re.exec(text)) !== null) {
      if (m[0] === "") {
        rule.re.lastIndex++;
        continue;
      }
      const dueDate = rule.resolve(m, referenceYear);
      if (dueDate !== undefined && !isReference(text, m)) {
        if (best === null || m.index < best.index || (m.index === best.index && m[0].length > best.length)) {
          best = { index: m.index, length: m[0].length, result: { deadline: strip(m[0]), dueDate } };
        }
        break;
      }
    }
  }
  return best?.result ?? null;
}

/** Open-ended deadlines that a table cell may hold. */
const OPEN_CELL = /^(长期|长期坚持|持续|持续推进|持续开展|常态化|常态化推进|每年|逐年推进|按年度推进)$/;

/**
 * A whole line that is only a deadline (a 完成时限 table cell): "2023年底", "2022年6月底前",
 * "长期". Returns null for any other line.
 */
export function parseDeadlineCell(line: string, referenceYear: number | null = null): Deadline | null {
  const text = strip(line).replace(/[。.；;]$/, "");
  if (text === "" || text.length > 20) return null;
  if (OPEN_CELL.test(text)) return { deadline: text, dueDate: null };
  const found = findDeadline(text, referenceYear);
  if (found && found.deadline === text) return found;
  // a month alone in a cell ("11月") or a year alone ("2023年")
  const month = /^(?:(\d{4})年)?(\d{1,2})月$/.exec(text);
  if (month) {
    const year = month[1] !== undefined ? Number(month[1]) : referenceYear;
    const dueDate = isoDate(year, Number(month[2]), "end");
    if (dueDate !== undefined) return { deadline: text, dueDate };
  }
  const year = /^(\d{4})年$/.exec(text);
  if (year) return { deadline: text, dueDate: isoDate(Number(year[1]), 12, 31) ?? null };
  return null;
}

/** Every deadline in a text, in order (used for dated duties inside phases). */
export function findAllDeadlines(
  text: string,
  referenceYear: number | null,
): (Deadline & { index: number; end: number })[] {
  const found: (Deadline & { index: number; end: number })[] = [];
  let offset = 0;
  while (offset < text.length) {
    const rest = text.slice(offset);
    const d = findDeadline(rest, referenceYear);
    if (!d) break;
    // locate the match again to know where it ends
    const at = locate(rest, d.deadline);
    if (at === null) break;
    found.push({ ...d, index: offset + at.index, end: offset + at.end });
    offset += at.end;
  }
  return found;
}

/** Find `needle` (whitespace removed) in `text` allowing whitespace between its characters. */
function locate(text: string, needle: string): { index: number; end: number } | null {
  const pattern = [...needle].map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("\\s*");
  const m = new RegExp(pattern).exec(text);
  return m ? { index: m.index, end: m.index + m[0].length } : null;
}
