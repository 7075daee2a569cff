import { Spin } from "antd";

/** While a page's code or first data arrives: a spinner and its words, never beside an empty state. */
export function PageLoading({ label = "正在加载…" }: { label?: string }) {
  return (
    <div role="status" style={{ padding: 48, textAlign: "center" }}>
      <Spin />
      <div style={{ marginTop: 8, color: "rgba(0,0,0,0.65)" }}>{label}</div>
    </div>
  );
}
