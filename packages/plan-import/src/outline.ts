/**
 * The numbered outline of the plan body: items nest by marker type (the first type seen
 * is the top level, a new type opens a child level, a known type closes back to its level).
 * Lines without a marker continue the current item: as a continuation of a line broken
 * mid-sentence, as a 完成时限 / 责任单位 table cell, or as a new paragraph.
 */
import type { CleanLine } from "./clean.js";
import { parseDeadlineCell } from "./deadline.js";
import { parseMarker, type MarkerType } from "./numbering.js";
import { extractAnnotation, isUnitListLine } from "./units.js";

export interface OutlineItem {
  type: MarkerType;
  label: string;
  /** Text of the marker line (with any continuation lines joined). */
  head: string;
  /** Further paragraphs. */
  body: string[];
  /** 完成时限 cell of a flattened table. */
  deadlineCell: string | null;
  /** 责任单位 cell of a flattened table. */
  unitCell: string | null;
  children: OutlineItem[];
  parent: OutlineItem | null;
}

/** A line broken mid-sentence: long enough to be running text and not ending a sentence. */
function continues(prev: string): boolean {
  if (prev.length < 40 || /[。！？!?；;]$/.test(prev)) return false;
  // a unit annotation closes the item: "…（省农业厅等负责）"
  return !(/[）)〕\]】]$/.test(prev) && extractAnnotation(prev) !== null);
}

/** A closing bracket followed by the next item's marker on the same line: "…（省发改委负责）（二）…". */
const RUN_ON = /[）)〕\]】](?=\s*(?:[（(][一二三四五六七八九十]+[）)]|\d{1,3}[.．、](?!\d)))/g;

/** Two items written on one line are split where a unit annotation closes the first. */
function splitRunOnItems(line: CleanLine): CleanLine[] {
  const out: CleanLine[] = [];
  let from = 0;
  RUN_ON.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = RUN_ON.exec(line.text)) !== null) {
    const cut = m.index + 1;
    const left = line.text.slice(from, cut);
    if (parseMarker(left) !== null && extractAnnotation(left) !== null) {
      out.push({ ...line, text: left.trim(), afterNoise: from > 0 ? true : line.afterNoise });
      from = cut;
    }
  }
  if (from === 0) return [line];
  out.push({ ...line, text: line.text.slice(from).trim(), afterNoise: true });
  return out;
}

export function buildOutline(input: CleanLine[], tableMode: boolean): OutlineItem[] {
  const roots: OutlineItem[] = [];
  const stack: OutlineItem[] = [];
  let lastText: string | null = null; // the last text line appended to the current item
  let lastWasCell = false;
  const lines = input.flatMap(splitRunOnItems);

  for (const line of lines) {
    const marker = parseMarker(line.text);
    if (marker) {
      const at = stack.findIndex((s) => s.type === marker.type);
      if (at >= 0) stack.length = at;
      const parent = stack[stack.length - 1] ?? null;
      const item: OutlineItem = {
        type: marker.type,
        label: marker.label,
        head: marker.rest,
        body: [],
        deadlineCell: null,
        unitCell: null,
        children: [],
        parent,
      };
      (parent ? parent.children : roots).push(item);
      stack.push(item);
      lastText = marker.rest;
      lastWasCell = false;
      continue;
    }
    const current = stack[stack.length - 1];
    if (!current) continue; // preamble before the first numbered item

    if (
      current.deadlineCell === null &&
      current.children.length === 0 &&
      parseDeadlineCell(line.text) !== null
    ) {
      current.deadlineCell = line.text.replace(/\s+/g, "");
      lastWasCell = true;
      continue;
    }
    if (
      current.unitCell === null &&
      current.children.length === 0 &&
      (tableMode || current.deadlineCell !== null) &&
      isUnitListLine(line.text)
    ) {
      current.unitCell = line.text;
      lastWasCell = true;
      continue;
    }
    if (!lastWasCell && !line.heading && !line.afterNoise && lastText !== null && continues(lastText)) {
      if (current.body.length === 0) current.head += line.text;
      else current.body[current.body.length - 1] += line.text;
      lastText += line.text;
      continue;
    }
    current.body.push(line.text);
    lastText = line.text;
    lastWasCell = false;
  }
  return roots;
}
