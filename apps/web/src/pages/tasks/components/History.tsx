// The full history of a task from its audit records: who, unit, role, when, what, from → to, why, files.
import { EVENT_LABELS, ROLE_LABELS, stateChangeText, type Role } from "@duban/workflow/vocabulary";
import { Timeline } from "antd";
import { formatDateTime } from "../../../lib/format";
import type { TaskDetail } from "./ActionModal";
import { FileLinks } from "./FileUpload";

const OTHER_ACTIONS: Record<string, string> = {
  "plan.import": "导入方案",
  "plan.create": "创建方案",
  "task.create": "创建任务",
};

export function eventLabel(action: string): string {
  if (action.startsWith("task.")) {
    const type = action.slice(5);
    if (type in EVENT_LABELS) return EVENT_LABELS[type as keyof typeof EVENT_LABELS];
  }
  return OTHER_ACTIONS[action] ?? action;
}

const COLORS: Record<string, string> = {
  "task.RETURN": "red",
  "task.RETURN_CONTRIBUTION": "red",
  "task.TERMINATE": "gray",
  "task.URGE": "orange",
  "task.APPROVE": "green",
  "task.PASS_INSPECTION": "green",
  "task.CLOSE_ITEM": "green",
};

export function History({ detail }: { detail: TaskDetail }) {
  const known = new Map<string, { sha256: string; name: string; size: number }>();
  for (const s of detail.submissions) for (const f of s.files) known.set(f.sha256, f);
  for (const p of detail.progressReports) for (const f of p.files) known.set(f.sha256, f);
  for (const i of detail.rectificationItems) for (const f of i.files) known.set(f.sha256, f);
  if (detail.history.length === 0) return <p>暂无办理记录</p>;
  return (
    <Timeline
      items={[...detail.history].reverse().map((h) => ({
        key: h.seq,
        color: COLORS[h.action] ?? "blue",
        content: (
          <div>
            <div style={{ display: "flex", flexWrap: "wrap", gap: "4px 12px", alignItems: "baseline" }}>
              <strong>{eventLabel(h.action)}</strong>
              <span>
                {h.actorName}
                {h.actorUnitName ? `（${h.actorUnitName}）` : ""}
              </span>
              <span style={{ color: "rgba(0,0,0,0.65)" }}>{(ROLE_LABELS as Record<string, string>)[h.actorRole as Role] ?? h.actorRole}</span>
              <time dateTime={h.at} style={{ color: "rgba(0,0,0,0.65)" }}>
                {formatDateTime(h.at)}
              </time>
            </div>
            {h.fromState !== h.toState && <div style={{ fontSize: 13 }}>{stateChangeText(h.fromState, h.toState)}</div>}
            {h.comment && <div style={{ whiteSpace: "pre-wrap", marginTop: 4 }}>{h.comment}</div>}
            <FileLinks files={h.fileHashes.map((sha) => known.get(sha) ?? { sha256: sha, name: `附件 ${sha.slice(0, 8)}` })} />
          </div>
        ),
      }))}
    />
  );
}
