// Evidence files: POST /api/files (raw body, x-file-name) → {sha256, size, name, mime}.
// A plain button and a hidden file input: keyboard-reachable, no nested interactive elements.
import { DeleteOutlined, PaperClipOutlined, UploadOutlined } from "@ant-design/icons";
import { App, Button } from "antd";
import { useRef, useState } from "react";
import { formatSize } from "../../../lib/format";

export interface UploadedFile {
  sha256: string;
  name: string;
  size: number;
  mime?: string;
}

export async function uploadFile(file: File): Promise<UploadedFile> {
  const res = await fetch("/api/files", {
    method: "POST",
    body: file,
    credentials: "same-origin",
    headers: { "x-file-name": encodeURIComponent(file.name), "content-type": file.type || "application/octet-stream" },
  });
  const body = (await res.json().catch(() => null)) as (UploadedFile & { error?: { message?: string } }) | null;
  if (!res.ok || body === null || !body.sha256) throw new Error(body?.error?.message ?? `上传失败（${res.status}）`);
  return body;
}

export function FileUpload({ id, value = [], onChange, max = 20 }: { id?: string; value?: UploadedFile[]; onChange?: (files: UploadedFile[]) => void; max?: number }) {
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const { message } = App.useApp();

  const pick = async (list: FileList | null) => {
    if (list === null || list.length === 0) return;
    setBusy(true);
    const added: UploadedFile[] = [];
    for (const file of Array.from(list)) {
      try {
        added.push(await uploadFile(file));
      } catch (e) {
        message.error(`${file.name}：${e instanceof Error ? e.message : "上传失败"}`);
      }
    }
    setBusy(false);
    if (input.current) input.current.value = "";
    const seen = new Set(value.map((f) => f.sha256));
    onChange?.([...value, ...added.filter((f) => !seen.has(f.sha256))].slice(0, max));
  };

  return (
    <div>
      <input ref={input} type="file" multiple hidden style={{ display: "none" }} tabIndex={-1} aria-hidden="true" onChange={(e) => void pick(e.target.files)} />
      <Button id={id} aria-label="选择文件上传（附件）" icon={<UploadOutlined />} loading={busy} onClick={() => input.current?.click()} disabled={value.length >= max}>
        {busy ? "正在上传…" : "选择文件上传"}
      </Button>
      {value.length > 0 && (
        <ul style={{ listStyle: "none", padding: 0, margin: "8px 0 0" }} aria-label="已上传的附件">
          {value.map((f) => (
            <li key={f.sha256} style={{ display: "flex", alignItems: "center", gap: 8, padding: "2px 0" }}>
              <PaperClipOutlined aria-hidden="true" />
              <span style={{ flex: 1, minWidth: 0, overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" }}>
                {f.name}（{formatSize(f.size)}）
              </span>
              <Button
                type="text"
                size="small"
                icon={<DeleteOutlined />}
                aria-label={`移除附件 ${f.name}`}
                onClick={() => onChange?.(value.filter((x) => x.sha256 !== f.sha256))}
              />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Download links for stored files. */
export function FileLinks({ files }: { files: { sha256: string; name: string; size?: number }[] }) {
  if (files.length === 0) return null;
  return (
    <ul style={{ listStyle: "none", padding: 0, margin: "4px 0 0" }}>
      {files.map((f) => (
        <li key={f.sha256}>
          <PaperClipOutlined aria-hidden="true" />{" "}
          <a href={`/api/files/${f.sha256}`} download={f.name}>
            {f.name}
          </a>
          {f.size !== undefined && <span style={{ color: "rgba(0,0,0,0.65)" }}>（{formatSize(f.size)}）</span>}
        </li>
      ))}
    </ul>
  );
}
