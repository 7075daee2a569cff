// One audit record read like a register: who (name, unit), what (the event in Chinese), which task
// (number and text, linked), the state change in words, the note. Shared by the live log and the
// archived periods, so that both read the same: table columns on a wide screen, a card on a phone.
import type { ColumnsType } from "antd/es/table";
import { Link } from "react-router";
import { ListCard } from "../../../components/ResponsiveTable";
import { ToneTag } from "../../../components/tags";
import { formatDateTime } from "../../../lib/format";
import type { RouterOutputs } from "../../../trpc";

/** A record as the live log and the archive reader both return it. */
export type AuditRow = RouterOutputs["audit"]["list"]["items"][number];

function Who({ r }: { r: AuditRow }) {
  return (
    <span>
      {r.actorName ?? <span className="empty-text">未登录用户</span>}
      {(r.actorUnitName || r.actorRoleLabel) && <span style={{ display: "block", fontSize: 12, color: "rgba(0,0,0,0.65)" }}>{r.actorUnitName ?? r.actorRoleLabel}</span>}
    </span>
  );
}

function What({ r }: { r: AuditRow }) {
  return (
    <span>
      {r.actionLabel}
      {r.outcome !== "ok" && (
        <span style={{ display: "block" }}>
          <ToneTag tone="red">{r.outcomeLabel}</ToneTag>
        </span>
      )}
    </span>
  );
}

function TaskRef({ r }: { r: AuditRow }) {
  if (!r.taskId) return null;
  return (
    <Link to={`/tasks/${r.taskId}`} title={r.taskText ?? undefined}>
      <span className="clamp-2">
        {r.taskNumber ? `${r.taskNumber}\u3000` : ""}
        {r.taskText ?? "任务"}
      </span>
    </Link>
  );
}

/** The record's note: the comment, or a refusal's reason. */
const noteOf = (r: AuditRow) => r.comment ?? (r.reasonText || null);

/** A record as a card on a phone. */
export function auditCard(r: AuditRow) {
  return (
    <ListCard
      lead={<span className="nowrap">{formatDateTime(r.at)}</span>}
      title={
        <span>
          {r.actionLabel}
          {r.outcome !== "ok" && <ToneTag tone="red">{r.outcomeLabel}</ToneTag>}
        </span>
      }
      fields={[
        { label: "人员", value: `${r.actorName ?? "未登录用户"}${r.actorUnitName ? `（${r.actorUnitName}）` : ""}` },
        ...(r.taskId ? [{ label: "任务", value: <TaskRef r={r} /> }] : []),
        ...(r.stateChange ? [{ label: "状态变化", value: r.stateChange }] : []),
        ...(noteOf(r) ? [{ label: "说明", value: <span className="clamp-2">{noteOf(r)}</span> }] : []),
      ]}
    />
  );
}

/** The register's columns on a wide screen. */
export const auditColumns: ColumnsType<AuditRow> = [
  { title: "序号", dataIndex: "seq", width: 64 },
  {
    title: "时间",
    key: "at",
    width: 140,
    render: (_, r) => (
      <span>
        <span className="nowrap">{formatDateTime(r.at)}</span>
        {r.clientIp && <span style={{ display: "block", fontSize: 12, color: "rgba(0,0,0,0.65)" }}>{r.clientIp}</span>}
      </span>
    ),
  },
  { title: "人员", key: "who", width: 180, render: (_, r) => <Who r={r} /> },
  { title: "事件", key: "what", width: 110, render: (_, r) => <What r={r} /> },
  { title: "任务", key: "task", render: (_, r) => <TaskRef r={r} /> },
  { title: "状态变化", key: "state", width: 170, render: (_, r) => r.stateChange },
  { title: "说明", key: "note", width: 200, render: (_, r) => <span className="clamp-2" title={noteOf(r) ?? undefined}>{noteOf(r)}</span> },
];
