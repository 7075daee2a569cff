/**
 * Reading a Word (.docx, and WPS files saved as .docx) plan from its XML: paragraphs in order,
 * tables as tables (rows of cells; a cell merged across columns is repeated in each, a cell merged
 * down is carried into the rows it covers). Styles are never read, so a table style the file
 * does not define (as some office suites write it) cannot break the reader.
 * Kept apart from the parser, which stays free of I/O.
 */
import { DOMParser } from "@xmldom/xmldom";
import JSZip from "jszip";

export interface WordDocument {
  /** Paragraphs one per line; each table row as one line of tab-separated cells. */
  text: string;
  /** Every table, as rows of cell texts (merged cells filled in). */
  tables: string[][][];
}

const W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/** xmldom nodes, typed loosely: only the DOM members used here. */
interface XNode {
  nodeType: number;
  localName: string | null;
  namespaceURI: string | null;
  textContent: string | null;
  childNodes: { length: number; [i: number]: XNode };
  getAttributeNS?(ns: string, name: string): string | null;
}

function children(node: XNode, name?: string): XNode[] {
  const out: XNode[] = [];
  for (let i = 0; i < node.childNodes.length; i++) {
    const c = node.childNodes[i];
    if (c && c.nodeType === 1 && c.namespaceURI === W && (name === undefined || c.localName === name)) out.push(c);
  }
  return out;
}

function attr(node: XNode | undefined, name: string): string | null {
  return node?.getAttributeNS?.(W, name) ?? null;
}

/** Text of a paragraph: runs, tabs and breaks; deleted text (w:del) is left out. */
function paragraphText(p: XNode): string {
  let text = "";
  const visit = (n: XNode): void => {
    for (const c of children(n)) {
      switch (c.localName) {
        case "t":
          text += c.textContent ?? "";
          break;
        case "tab":
          text += " ";
          break;
        case "br":
        case "cr":
          text += "\n";
          break;
        case "del":
        case "pPr":
        case "rPr":
        case "instrText":
          break;
        default:
          visit(c);
      }
    }
  };
  visit(p);
  return text;
}

/** Block children in order, looking through content controls and custom XML wrappers. */
function blocks(container: XNode): XNode[] {
  const out: XNode[] = [];
  for (const c of children(container)) {
    if (c.localName === "p" || c.localName === "tbl") out.push(c);
    else if (c.localName === "sdt") out.push(...children(c, "sdtContent").flatMap(blocks));
    else if (c.localName === "customXml" || c.localName === "ins") out.push(...blocks(c));
  }
  return out;
}

function cellText(tc: XNode): string {
  return blocks(tc)
    .map((b) => (b.localName === "p" ? paragraphText(b) : tableRows(b).map((r) => r.join(" ")).join("\n")))
    .join("\n")
    .trim();
}

/** Rows of a table with merged cells filled in. */
function tableRows(tbl: XNode): string[][] {
  const rows: string[][] = [];
  const above: (string | undefined)[] = [];
  for (const tr of children(tbl, "tr")) {
    const row: string[] = [];
    let col = 0;
    const skipBefore = Number(attr(children(children(tr, "trPr")[0] ?? tr, "gridBefore")[0], "val") ?? 0);
    for (let k = 0; k < skipBefore; k++) row[col++] = "";
    for (const tc of children(tr, "tc").concat(children(tr, "sdt").flatMap((s) => children(children(s, "sdtContent")[0] ?? s, "tc")))) {
      const props = children(tc, "tcPr")[0];
      const span = Math.max(1, Number(attr(props ? children(props, "gridSpan")[0] : undefined, "val") ?? 1) || 1);
      const vMerge = props ? children(props, "vMerge")[0] : undefined;
      const continues = vMerge !== undefined && attr(vMerge, "val") !== "restart";
      const own = cellText(tc);
      for (let k = 0; k < span; k++) {
        const text = continues ? (above[col] ?? "") : own;
        row[col] = text;
        above[col] = text;
        col++;
      }
    }
    rows.push(Array.from(row, (c) => c ?? ""));
  }
  return rows;
}

/** Reads a .docx: its paragraphs and tables. Throws when the file is not a Word document. */
export async function readDocx(buffer: Uint8Array): Promise<WordDocument> {
  const zip = await JSZip.loadAsync(buffer);
  const main = zip.file("word/document.xml");
  if (main === null) throw new Error("not a Word document: word/document.xml is missing");
  const xml = await main.async("string");
  const doc = new DOMParser({ errorHandler: { warning: () => undefined, error: () => undefined } }).parseFromString(xml, "text/xml") as unknown as { documentElement: XNode | null };
  const body = doc.documentElement ? children(doc.documentElement, "body")[0] : undefined;
  if (body === undefined) throw new Error("not a Word document: no body");
  const lines: string[] = [];
  const tables: string[][][] = [];
  for (const block of blocks(body)) {
    if (block.localName === "p") {
      lines.push(paragraphText(block));
    } else {
      const rows = tableRows(block);
      tables.push(rows);
      // cells joined by tabs: a table the structure reader does not recognise is still read as a flattened one
      for (const r of rows) lines.push(r.map((c) => c.replace(/\s*\n\s*/g, " ")).join("\t"));
    }
  }
  return { text: lines.join("\n"), tables };
}

/** The text of a .docx file (paragraphs one per line, table rows as tab-separated cells). */
export async function readDocxText(buffer: Uint8Array): Promise<string> {
  return (await readDocx(buffer)).text;
}
