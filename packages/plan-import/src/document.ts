/**
 * Document data: 文号, issuer, date and title, and where the plan body starts
 * (after the covering notice and its signature, when there is one).
 */
import type { CleanLine } from "./clean.js";
import { chineseNumeralValue, parseMarker } from "./numbering.js";

export interface DocumentInfo {
  title: string | null;
  docNumber: string | null;
  issuer: string | null;
  date: string | null;
  /** Index of the first line of the plan body. */
  bodyStart: number;
  /** Issuer names seen in the header ("…文件") and signature, for place-prefix matching. */
  issuerNames: string[];
}

const DOC_NUMBER = /[\u4e00-\u9fa5]{1,8}\s*[〔［[【(（]\s*(?:19|20)\d\d\s*[〕］\]】)）]\s*第?\s*\d{1,4}\s*[号號]/;
const ORG_END = /(办公室|办公厅|人民政府|政府|委员会|局|厅|委|办|部|署|中心|小组|公司)$/;
const HEADER = /^(.{2,40}?(?:办公室|办公厅|人民政府|政府|委员会|局|厅|委))文件$/;
const TABLE_HEADER = /^(序号|具体项目|工作任务|主要任务|重点任务|任务内容|完成时限|完成时间|时间节点|责任单位|牵头单位|配合单位|责任部门|备注|具体措施|工作内容)$/;

const pad = (n: number): string => String(n).padStart(2, "0");

function cnDigitsToNumber(s: string): number {
  // 二〇二一 → 2021 (digit by digit); 十七 → 17 (numeral)
  if (/^[〇零一二三四五六七八九]{4}$/.test(s)) {
    return Number([...s].map((c) => String(chineseNumeralValue(c === "〇" ? "零" : c))).join(""));
  }
  return chineseNumeralValue(s);
}

/** A line that is only a date: "2021年4月17日", "二〇二一年四月十七日". */
export function parseDateLine(line: string): string | null {
  const t = line.replace(/\s+/g, "");
  let m = /^(\d{4})年(\d{1,2})月(\d{1,2})日$/.exec(t);
  let parts: number[] | null = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
  if (!parts) {
    m = /^([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日$/.exec(t);
    if (m) parts = [cnDigitsToNumber(m[1] ?? ""), cnDigitsToNumber(m[2] ?? ""), cnDigitsToNumber(m[3] ?? "")];
  }
  if (!parts) return null;
  const [y, mo, d] = parts as [number, number, number];
  if (!(mo >= 1 && mo <= 12 && d >= 1 && d <= 31)) return null;
  return `${y}-${pad(mo)}-${pad(d)}`;
}

function isTitleLine(text: string): boolean {
  return (
    text.length <= 60 &&
    !/[。；;！？:：]/.test(text) &&
    !/[，,]$/.test(text) &&
    parseDateLine(text) === null &&
    !DOC_NUMBER.test(text) &&
    parseMarker(text) === null &&
    !TABLE_HEADER.test(text)
  );
}

function isPreamble(text: string): boolean {
  return /^(为|根据|按照|依据|为了|为进一步|为深入|为全面|为切实)/.test(text) && (text.length > 40 || /。$/.test(text));
}

export function extractDocumentInfo(lines: CleanLine[], meta: Record<string, string>): DocumentInfo {
  const texts = lines.map((l) => l.text);

  // 文号: metadata, then a line that is only a 文号, then the first one anywhere
  let docNumber: string | null = null;
  const metaNumber = meta["文号"] ?? meta["发文字号"];
  if (metaNumber && DOC_NUMBER.test(metaNumber)) docNumber = DOC_NUMBER.exec(metaNumber)?.[0] ?? null;
  // only lines with 号/號 can hold one: the pattern backtracks over every Chinese character
  const numbered = texts.filter((t) => /[号號]/.test(t)).map((t) => DOC_NUMBER.exec(t));
  if (!docNumber) docNumber = numbered.find((m) => m && m[0] === m.input)?.[0] ?? null;
  if (!docNumber) docNumber = numbered.find((m) => m !== null)?.[0] ?? null;
  if (docNumber) docNumber = docNumber.trim();

  // signature: an organisation line followed by a date line
  let issuer: string | null = null;
  let date: string | null = null;
  let signatureEnd = -1;
  for (let i = 0; i < texts.length; i++) {
    const d = parseDateLine(texts[i] ?? "");
    if (d === null) continue;
    const prev = texts[i - 1] ?? "";
    if (i > 0 && ORG_END.test(prev) && prev.length <= 40 && isTitleLine(prev)) {
      issuer = prev;
      date = d;
      signatureEnd = i;
      break;
    }
    if (date === null) date = d;
  }
  const header = texts.map((t) => HEADER.exec(t)?.[1]).find((h) => h !== undefined) ?? null;
  if (issuer === null) issuer = header;
  if (date === null) {
    const metaDate = /^(\d{4})-(\d{2})-(\d{2})/.exec(meta["成文日期"] ?? "");
    if (metaDate) date = `${metaDate[1]}-${metaDate[2]}-${metaDate[3]}`;
  }

  // the plan body starts after the signature of a covering notice, if a section follows it
  let bodyStart = 0;
  if (signatureEnd >= 0 && texts.slice(signatureEnd + 1).some((t) => parseMarker(t)?.type === "cn")) {
    bodyStart = signatureEnd + 1;
  }

  // title: the short lines right before the first top-level section / table header,
  // skipping one preamble paragraph
  let title: string | null = null;
  let first = texts.findIndex((t, i) => i >= bodyStart && (parseMarker(t)?.type === "cn" || TABLE_HEADER.test(t)));
  if (first < 0) first = texts.length;
  let i = first - 1;
  while (i >= bodyStart && TABLE_HEADER.test(texts[i] ?? "")) i--;
  if (i >= bodyStart && isPreamble(texts[i] ?? "")) i--;
  const titleLines: string[] = [];
  while (i >= bodyStart && titleLines.length < 3 && isTitleLine(texts[i] ?? "") && !HEADER.test(texts[i] ?? "")) {
    titleLines.unshift(texts[i] ?? "");
    i--;
  }
  if (titleLines.length > 0) title = titleLines.join("").replace(/\s+/g, "");
  else if (meta["名称"] || meta["标题"]) title = meta["名称"] ?? meta["标题"] ?? null;

  const issuerNames = [header, issuer].filter((x): x is string => x !== null);
  return { title, docNumber, issuer, date, bodyStart, issuerNames };
}
