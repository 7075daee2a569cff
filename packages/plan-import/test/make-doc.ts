/**
 * Writes an old Word 97-2003 (.doc) file: an OLE compound file holding a WordDocument stream
 * (the FIB, then the text as UTF-16) and a 1Table stream (the piece table). The smallest file
 * Word and WPS read, so the importer's .doc path is tested with no office suite installed.
 */
import CFB from "cfb";

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
