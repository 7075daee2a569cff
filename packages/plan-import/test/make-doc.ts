/**
 * Writes an old Word 97-2003 (.doc) file: an OLE compound file holding a WordDocument stream
 * (the FIB, then the text as UTF-16) and a 1Table stream (the piece table). The smallest file
 * Word and WPS read, so the importer's .doc path is tested with no office suite installed.
 */
import CFB from "cfb";
import { createHash } from "node:crypto";

export function makeDoc(paragraphs: string[]): Buffer {
  const text = `${paragraphs.join("\r")}\r`;
  const textBytes = Buffer.from(text, "utf16le");
  const fibSize = 0x400;
  const word = Buffer.alloc(fibSize + textBytes.length);
  word.writeUInt16LE(0xa5ec, 0x0); // wIdent
  word.writeUInt16LE(0x00c1, 0x2); // nFib (Word 97)
  word.writeUInt16LE(0x0200, 0xa); // fWhichTblStm: the 1Table stream
  word.writeUInt32LE(fibSize, 0x18); // fcMin
  word.writeUInt32LE(fibSize + textBytes.length, 0x1c); // fcMac
  word.writeUInt32LE(text.length, 0x4c); // ccpText
  textBytes.copy(word, fibSize);

  // Clx: one Pcdt holding a PlcPcd of one piece (CPs 0..n, a PCD pointing at the UTF-16 text)
  const plcPcd = Buffer.alloc(4 * 2 + 8);
  plcPcd.writeUInt32LE(0, 0);
  plcPcd.writeUInt32LE(text.length, 4);
  plcPcd.writeUInt16LE(0, 8); // PCD flags
  plcPcd.writeUInt32LE(fibSize, 10); // fc, bit 30 clear: uncompressed (UTF-16)
  plcPcd.writeUInt16LE(0, 14); // prm
  const clx = Buffer.concat([Buffer.from([0x02]), Buffer.alloc(4), plcPcd]);
  clx.writeUInt32LE(plcPcd.length, 1);
  word.writeUInt32LE(0, 0x1a2); // fcClx
  word.writeUInt32LE(clx.length, 0x1a6); // lcbClx

  const container = CFB.utils.cfb_new();
  CFB.utils.cfb_add(container, "/WordDocument", word);
  CFB.utils.cfb_add(container, "/1Table", clx);
  return Buffer.from(CFB.write(container, { type: "buffer" }) as Uint8Array);
}

/** An OLE file holding only an EncryptedPackage stream: how a password-protected .docx is stored. */
export function makeEncryptedOffice(): Buffer {
  const container = CFB.utils.cfb_new();
  CFB.utils.cfb_add(container, "/EncryptionInfo", Buffer.alloc(64, 1));
  CFB.utils.cfb_add(container, "/EncryptedPackage", Buffer.alloc(512, 7));
  return Buffer.from(CFB.write(container, { type: "buffer" }) as Uint8Array);
}

/** RC4, the cipher of the PDF standard security handler (revision 2); OpenSSL 3 ships it only in its legacy provider. */
function rc4(key: Buffer, data: Buffer): Buffer {
  const s = Array.from({ length: 256 }, (_, i) => i);
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + (s[i] as number) + (key[i % key.length] as number)) & 255;
    [s[i], s[j]] = [s[j] as number, s[i] as number];
  }
  const out = Buffer.alloc(data.length);
  for (let k = 0, i = 0, j = 0; k < data.length; k++) {
    i = (i + 1) & 255;
    j = (j + (s[i] as number)) & 255;
    [s[i], s[j]] = [s[j] as number, s[i] as number];
    out[k] = (data[k] as number) ^ (s[((s[i] as number) + (s[j] as number)) & 255] as number);
  }
  return out;
}

/**
 * A one-page PDF that opens only with a password (standard security handler, revision 2, 40-bit
 * RC4: PDF 1.7 §7.6.3, algorithms 2–4), as a PDF "protected with an open password" is written by
 * office suites. Built here, byte by byte: no tool in the repository writes encrypted PDFs.
 */
export function makeEncryptedPdf(userPassword = "duban", ownerPassword = "owner"): Buffer {
  const PAD = Buffer.from("28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a", "hex");
  const padded = (pw: string) => Buffer.concat([Buffer.from(pw, "latin1"), PAD]).subarray(0, 32);
  const md5 = (...parts: Buffer[]) => createHash("md5").update(Buffer.concat(parts)).digest();
  const id = Buffer.from("0123456789abcdef0123456789abcdef", "hex");
  const permissions = -44; // print and copy off, as a protected file usually has
  const o = rc4(md5(padded(ownerPassword)).subarray(0, 5), padded(userPassword));
  const p = Buffer.alloc(4);
  p.writeInt32LE(permissions);
  const key = md5(padded(userPassword), o, p, id).subarray(0, 5);
  const u = rc4(key, PAD);
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    `<< /Filter /Standard /V 1 /R 2 /O <${o.toString("hex")}> /U <${u.toString("hex")}> /P ${permissions} >>`,
  ];
  let body = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(body, "latin1"));
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body, "latin1");
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((x) => `${String(x).padStart(10, "0")} 00000 n \n`).join("")}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Encrypt 4 0 R /ID [<${id.toString("hex")}> <${id.toString("hex")}>] >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, "latin1");
}
