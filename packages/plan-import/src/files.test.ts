import { PDFDocument } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { makeDoc, makeEncryptedOffice, makeEncryptedPdf } from "../test/make-doc.js";
import { decodeText, MAX_PLAN_FILE_BYTES, readPlanFile } from "./files.js";

async function problemOf(bytes: Uint8Array, name: string): Promise<[string, string]> {
  try {
    await readPlanFile(bytes, name);
  } catch (e) {
    const err = e as { problem: string; message: string };
    return [err.problem, err.message];
  }
  throw new Error(`${name} was read`);
}

describe("readPlanFile refuses what it cannot read, with a Chinese message", () => {
  it.each([
    ["an empty file", new Uint8Array(0), "plan.docx", "empty"],
    ["a file over the limit", new Uint8Array(MAX_PLAN_FILE_BYTES + 1), "plan.txt", "too-large"],
    ["a ZIP that is no Word file", Buffer.from("PK\u0003\u0004 not really a zip"), "plan.docx", "corrupt"],
    ["a broken Excel file", Buffer.from("PK\u0003\u0004 broken"), "plan.xlsx", "corrupt"],
    ["a broken PDF", Buffer.from("%PDF-1.7\n garbage"), "plan.pdf", "corrupt"],
    ["a password-protected Office file", makeEncryptedOffice(), "plan.docx", "encrypted"],
    ["a PDF that opens only with a password", makeEncryptedPdf(), "plan.pdf", "encrypted"],
    ["an old .xls", makeEncryptedOffice(), "plan.xls", "old-excel"],
    ["an image", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), "plan.png", "unsupported"],
    ["a text file of blanks", Buffer.from("  \n\n  "), "plan.txt", "empty"],
  ])("%s", async (_what, bytes, name, problem) => {
    const [got, message] = await problemOf(bytes, name);
    expect(got).toBe(problem);
    expect(message).toMatch(/[\u4e00-\u9fa5]/);
  });

  it("the password-protected PDF is a real one: with an empty open password (owner password only) it opens", async () => {
    // same file format, user password "": pdf.js derives the key and matches /U, so the page is read
    // (no text on it: a scan), which shows the encrypted fixture above is refused for its password
    const [problem] = await problemOf(makeEncryptedPdf(""), "owner-only.pdf");
    expect(problem).toBe("scanned");
  }, 20_000);

  it("a PDF without a text layer (a scan)", async () => {
    const pdf = await PDFDocument.create();
    pdf.addPage([595, 842]);
    const [problem, message] = await problemOf(await pdf.save(), "scan.pdf");
    expect(problem).toBe("scanned");
    expect(message).toContain("扫描件");
  }, 20_000);
});

describe("readPlanFile reads", () => {
  it("an old Word .doc and a WPS .wps", async () => {
    const bytes = makeDoc(["一、工作任务", "1.建设中心。(牵头单位:市民政局)"]);
    for (const name of ["plan.doc", "plan.wps"]) {
      const doc = await readPlanFile(bytes, name);
      expect(doc.kind).toBe("doc");
      expect(doc.text).toContain("1.建设中心。(牵头单位:市民政局)");
    }
  });

  it("text in UTF-8, UTF-16 and GB18030", () => {
    expect(decodeText(Buffer.from("市民政局", "utf8"))).toBe("市民政局");
    expect(decodeText(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("市民政局", "utf16le")]))).toBe("市民政局");
    expect(decodeText(Buffer.from([0xca, 0xd0, 0xc3, 0xf1, 0xd5, 0xfe, 0xbe, 0xd6]))).toBe("市民政局");
  });
});
