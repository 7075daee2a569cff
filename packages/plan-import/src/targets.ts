/**
 * Measurable targets (量化指标): "完成30户" → eq 30 户, "达到90%以上" → gte 90 %,
 * "不低于52%" → gte 52 %, "不超过3000元" → lte 3000 元.
 * A number counts only with a comparator word before it, a 以上/以下 after it,
 * or as a rate ("覆盖率100%"); bare counts ("1个街道") are description, not targets.
 */
import type { Comparator, Target } from "./types.js";

const UNITS = [
  "平方米", "万平方米", "亿元", "万元", "元", "万人次", "人次", "万人", "万户", "户", "人", "名",
  "家", "个", "所", "张", "处", "天", "日", "次", "篇", "项", "场", "批", "座", "条", "床", "公里",
  "%", "％", "‰",
].sort((a, b) => b.length - a.length);

const UNIT = `(${UNITS.map((u) => u.replace(/[%‰]/g, "\\$&")).join("|")})`;
const NUM = "(\\d+(?:\\.\\d+)?)";

const BEFORE: Record<string, Comparator> = {
  不低于: "gte", 不少于: "gte", 不小于: "gte", 至少: "gte", 达到: "gte", 达: "gte",
  不超过: "lte", 不高于: "lte", 不多于: "lte", 不大于: "lte", 最多: "lte", 控制在: "lte",
  超过: "gt", 高于: "gt", 多于: "gt", 大于: "gt",
  低于: "lt", 少于: "lt", 小于: "lt",
  完成: "eq", 建成: "eq", 实现: "eq", 共: "eq", 累计: "eq",
};
const AFTER: Record<string, Comparator> = { 以上: "gte", 及以上: "gte", 以下: "lte", 及以下: "lte", 以内: "lte" };

// longer words first so 不低于 wins over 低于
const BEFORE_WORDS = Object.keys(BEFORE)
  .sort((a, b) => b.length - a.length)
  // 共 of 公共/总共/一共 is not a count word
  .map((w) => (w === "共" ? "(?<![公总一])共" : w))
  .join("|");
/** Comparator words may be followed by up to four characters: 至少分别设置1个, 至少有1家. */
const GAP: Record<string, number> = { 至少: 4, 不少于: 0, 共: 12, 累计: 12, 完成: 12, 建成: 12 };

const TARGET = new RegExp(
  // (1) a rate: 覆盖率100%
  `(?:([\\u4e00-\\u9fa5]{0,2}率)(?:为|是)?|` +
    // (2) comparator word + optional short gap + number
    `(${BEFORE_WORDS})([^\\d，,。；;：:、！？\\s]{0,12}?)|)` +
    `\\s*(?<![\\d.\\-—–~～])${NUM}\\s*${UNIT}\\s*(及以上|以上|及以下|以下|以内)?`,
  "g",
);

const strip = (s: string): string => s.replace(/\s+/g, "");

export function extractTargets(text: string): Target[] {
  const targets: Target[] = [];
  TARGET.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = TARGET.exec(text)) !== null) {
    const [whole, rate, word, gap, num, unit, suffix] = m;
    if (whole === "") {
      TARGET.lastIndex++;
      continue;
    }
    let comparator: Comparator | null = null;
    if (word !== undefined) {
      const maxGap = GAP[word] ?? 0;
      if ((gap ?? "").length > maxGap) {
        // too far away: retry just after the word so a later comparator can match
        TARGET.lastIndex = m.index + word.length;
        continue;
      }
      comparator = BEFORE[word] ?? null;
      if (suffix !== undefined && (comparator === "eq" || comparator === null)) comparator = AFTER[suffix] ?? null;
    } else if (suffix !== undefined) {
      comparator = AFTER[suffix] ?? null;
    } else if (rate !== undefined) {
      comparator = "eq";
    }
    if (comparator === null || num === undefined || unit === undefined) continue;
    // a bare percentage with 以上 is a target; a bare count with 以上 is usually a population ("65岁以上")
    targets.push({
      text: strip(whole),
      value: Number(num),
      unit: unit === "％" ? "%" : unit,
      comparator,
    });
  }
  return targets;
}
