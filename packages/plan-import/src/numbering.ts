/**
 * Numbering markers at the start of a line: 一、 （一） 1. 1、 (1) ①.
 * The marker type decides nesting (see outline.ts); the label is normalised
 * (brackets to full width, trailing 、 . dropped) for the task path.
 */

export type MarkerType = "cn" | "pcn" | "num" | "pnum" | "circ";

export interface Marker {
  type: MarkerType;
  /** Label for the path, brackets as written, without the trailing 、 or .: "二", "（一）", "(一)", "1", "（1）", "①". */
  label: string;
  /** The rest of the line after the marker, trimmed. */
  rest: string;
}

const CN = "[一二三四五六七八九十百零〇]+";

const PATTERNS: { type: MarkerType; re: RegExp; label: (m: RegExpExecArray) => string }[] = [
  { type: "pcn", re: new RegExp(`^([（(])\\s*(${CN})\\s*([）)])\\s*`), label: (m) => `${m[1] ?? ""}${m[2] ?? ""}${m[3] ?? ""}` },
  { type: "pnum", re: /^([（(])\s*(\d{1,3})\s*([）)])\s*/, label: (m) => `${m[1] ?? ""}${m[2] ?? ""}${m[3] ?? ""}` },
  { type: "cn", re: new RegExp(`^(${CN})\\s*[、．.]\\s*`), label: (m) => m[1] ?? "" },
  // "1." must not be the start of a decimal ("1.5万"), but "1.2023年底前" is item 1
  {
    type: "num",
    re: /^(\d{1,3})\s*(?:、|[.．](?!\d)|[.．](?=(?:19|20)\d\d\s*年))\s*/,
    label: (m) => m[1] ?? "",
  },
  { type: "circ", re: /^([\u2460-\u2473])\s*/, label: (m) => m[1] ?? "" },
];

export function parseMarker(line: string): Marker | null {
  for (const { type, re, label } of PATTERNS) {
    const m = re.exec(line);
    if (m) {
      const rest = line.slice(m[0].length).trim();
      // a bare marker with nothing after it is still an item (its text may follow)
      return { type, label: label(m), rest };
    }
  }
  return null;
}

const CN_DIGITS: Record<string, number> = {
  零: 0, 〇: 0, 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9,
};

/** Value of a Chinese numeral up to 999 (一 → 1, 十三 → 13, 二十 → 20); NaN if not one. */
export function chineseNumeralValue(s: string): number {
  if (s === "") return Number.NaN;
  let total = 0;
  let current = 0;
  for (const ch of s) {
    if (ch === "百") {
      total += (current || 1) * 100;
      current = 0;
    } else if (ch === "十") {
      total += (current || 1) * 10;
      current = 0;
    } else {
      const d = CN_DIGITS[ch];
      if (d === undefined) return Number.NaN;
      current = current * 10 + d;
    }
  }
  return total + current;
}
