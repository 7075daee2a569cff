// Reading a tRPC error: the server already writes its messages in Chinese.
import { TRPCClientError } from "@trpc/client";
import type { FormInstance } from "antd";

export interface ErrorInfo {
  message: string;
  code: string | null;
  appCode: string | null;
  fields: Record<string, string>;
}

interface ErrorData {
  code?: string;
  appCode?: string | null;
  fields?: Record<string, string> | null;
  httpStatus?: number;
}

export function errorInfo(error: unknown): ErrorInfo {
  if (error instanceof TRPCClientError) {
    const data = (error.data ?? {}) as ErrorData;
    const network = data.code === undefined && /fetch|network/i.test(error.message);
    return {
      message: network ? "无法连接服务器，请检查网络后重试" : error.message || "操作失败",
      code: data.code ?? null,
      appCode: data.appCode ?? null,
      fields: data.fields ?? {},
    };
  }
  if (error instanceof Error) return { message: error.message || "操作失败", code: null, appCode: null, fields: {} };
  return { message: "操作失败", code: null, appCode: null, fields: {} };
}

export function isConflict(error: unknown): boolean {
  return errorInfo(error).code === "CONFLICT";
}

/**
 * Shows per-field messages from the server on the form's fields. `map` renames server paths
 * (e.g. "event.text" → "text"). Returns true when at least one field matched.
 */
export function applyFieldErrors(form: FormInstance, error: unknown, map: (path: string) => string | null = stripPrefix): boolean {
  const { fields } = errorInfo(error);
  const known = new Set(Object.keys(form.getFieldsValue(true) as Record<string, unknown>));
  const list = Object.entries(fields)
    .map(([path, msg]) => ({ name: map(path), errors: [msg] }))
    .filter((f): f is { name: string; errors: string[] } => f.name !== null && known.has(f.name));
  if (list.length > 0) form.setFields(list);
  return list.length > 0;
}

function stripPrefix(path: string): string | null {
  const parts = path.split(".");
  if (parts[0] === "event") parts.shift();
  return parts[0] ?? null;
}
