/** Reading the text of a Word (.docx) plan. Kept apart so the parser itself stays free of I/O. */
import mammoth from "mammoth";

/** The raw text of a .docx file (paragraphs separated by blank lines), via mammoth. */
export async function readDocxText(buffer: Uint8Array | Buffer): Promise<string> {
  const input = Buffer.isBuffer(buffer) ? buffer : Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const result = await mammoth.extractRawText({ buffer: input });
  return result.value;
}
