import dayjs from "dayjs";

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  return dayjs(iso).format("YYYY-MM-DD HH:mm");
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "—";
  return dayjs(iso).format("YYYY-MM-DD");
}

/** "2021-04" → "2021年4月". */
export function formatMonth(month: string | null | undefined): string {
  if (!month) return "";
  const [y, m] = month.split("-");
  return `${y}年${Number(m)}月`;
}

/** "2026-11-25…" → "2026年11月25日" (the style of official documents). */
export function formatChineseDate(iso: string | null | undefined): string {
  if (!iso) return "";
  const [y, m, d] = iso.slice(0, 10).split("-");
  return `${y}年${Number(m)}月${Number(d)}日`;
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function taskNumber(path: readonly string[]): string {
  return path.length > 0 ? path.join(" › ") : "—";
}
