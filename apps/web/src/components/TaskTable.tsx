// The task list used by 我的待办 and the plan view: a table on a wide screen, cards on a phone.
// Optional grouping by document section.
import type { ColumnsType } from "antd/es/table";
import type { ReactNode } from "react";
import { Link } from "react-router";
import { formatDate, taskNumber } from "../lib/format";
import type { RouterOutputs } from "../trpc";
import { PartsRollupTags } from "./PartsRollup";
import { ListCard, ResponsiveTable } from "./ResponsiveTable";
import { MarkBadge, StageTag, StatusTag, ToneTag } from "./tags";

export type TaskSummary = RouterOutputs["task"]["list"]["items"][number];

interface GroupRow {
  kind: "group";
  key: string;
  title: string;
  count: number;
}
interface TaskRow {
  kind: "task";
  key: string;
  task: TaskSummary;
}
type Row = GroupRow | TaskRow;

const COLUMN_COUNT = 8;

/** Section of a task: its path without the last number, e.g. 二 › （一）. */
function sectionOf(task: TaskSummary): string[] {
  return task.path.length > 1 ? task.path.slice(0, Math.min(2, task.path.length - 1)) : [];
}

function groupRows(tasks: TaskSummary[]): Row[] {
  const rows: Row[] = [];
  let current: GroupRow | null = null;
  for (const task of tasks) {
    const section = sectionOf(task);
    const key = section.join("/");
    if (current === null || current.key !== `g:${key}`) {
      const title = section.length > 0 ? `${section.join(" › ")}${task.heading ? `\u3000${task.heading}` : ""}` : "其他任务";
      current = { kind: "group", key: `g:${key}`, title, count: 0 };
      rows.push(current);
    }
    current.count += 1;
    rows.push({ kind: "task", key: task.id, task });
  }
  return rows;
}

/** The task's 完成时限: the plan's words, and the date that drives the marks under them. */
export function Deadline({ task }: { task: Pick<TaskSummary, "deadlineText" | "dueDate"> & Partial<Pick<TaskSummary, "effectiveDueDate">> }) {
  if (!task.deadlineText && !task.dueDate) {
    // No 完成时限 of its own: the plan's phase date is what the marks count from — say so.
    if (task.effectiveDueDate) return <span className="nowrap">{formatDate(task.effectiveDueDate)}（按方案阶段）</span>;
    return <span className="empty-text">未设时限</span>;
  }
  return (
    <span>
      {task.deadlineText}
      {task.dueDate && (
        <span className="nowrap" style={{ display: "block", fontSize: 12, color: "rgba(0,0,0,0.65)" }}>
          {formatDate(task.dueDate)}
        </span>
      )}
    </span>
  );
}

function StatusNotes({ task }: { task: TaskSummary }) {
  return (
    <>
      {task.round > 1 && <span style={{ fontSize: 12 }}>第{task.round}轮</span>}
      {task.extensionRequested && <div style={{ fontSize: 12, color: "#873800" }}>申请延期中</div>}
      {task.openNotices > 0 && <div style={{ fontSize: 12, color: "#a8071a" }}>催办 {task.openNotices} 次</div>}
    </>
  );
}

/** One task as a card on a phone: number, text, stage and status, units, deadline and mark. */
function TaskCard({ task }: { task: TaskSummary }) {
  const deadline = task.dueDate
    ? formatDate(task.dueDate)
    : task.deadlineText || (task.effectiveDueDate ? `${formatDate(task.effectiveDueDate)}（按方案阶段）` : null);
  return (
    <ListCard
      lead={task.path.length > 0 ? `序号 ${taskNumber(task.path)}` : undefined}
      title={
        <Link to={`/tasks/${task.id}`}>
          <span className="clamp-2">{task.text}</span>
        </Link>
      }
      tags={
        <>
          <StageTag stage={task.stage} />
          <StatusTag status={task.status} />
          <MarkBadge mark={task.mark} />
          <StatusNotes task={task} />
          <PartsRollupTags parts={task.parts} />
        </>
      }
      fields={[
        { label: "牵头单位", value: task.leadUnit?.name ?? <span style={{ color: "#a8071a" }}>未指定</span> },
        ...(task.coUnits.length > 0 ? [{ label: "责任单位", value: <span className="clamp-2">{task.coUnits.map((u) => u.name).join("、")}</span> }] : []),
        { label: "完成时限", value: deadline ? <span className="nowrap">{deadline}</span> : <span className="empty-text">未设时限</span> },
      ]}
    />
  );
}

function cardOf(row: Row): ReactNode {
  if (row.kind === "group")
    return (
      <div className="card-list-group">
        {row.title}
        <span style={{ fontWeight: 400, color: "rgba(0,0,0,0.65)", marginLeft: 8 }}>（{row.count} 项）</span>
      </div>
    );
  return <TaskCard task={row.task} />;
}

const groupSpan = (row: Row, first: boolean) => (row.kind === "group" ? { colSpan: first ? COLUMN_COUNT : 0 } : {});

function columns(): ColumnsType<Row> {
  const t = (fn: (task: TaskSummary) => React.ReactNode) => (_: unknown, row: Row) => (row.kind === "task" ? fn(row.task) : null);
  return [
    {
      title: "序号",
      key: "path",
      width: 110,
      onCell: (row) => groupSpan(row, true),
      render: (_, row) =>
        row.kind === "group" ? (
          <span>
            {row.title}
            <span style={{ fontWeight: 400, color: "rgba(0,0,0,0.65)", marginLeft: 8 }}>（{row.count} 项）</span>
          </span>
        ) : (
          <span style={{ whiteSpace: "nowrap" }}>{taskNumber(row.task.path)}</span>
        ),
    },
    {
      title: "任务内容",
      key: "text",
      onCell: (row) => groupSpan(row, false),
      render: t((task) => (
        <>
          <Link to={`/tasks/${task.id}`} title={task.text}>
            {task.depth > 1 && <ToneTag tone="gray">{`${task.depth - 1} 级子任务`}</ToneTag>}
            <span className="clamp-2">{task.text}</span>
          </Link>
          <PartsRollupTags parts={task.parts} />
        </>
      )),
    },
    { title: "阶段", key: "stage", width: 100, onCell: (row) => groupSpan(row, false), render: t((task) => <StageTag stage={task.stage} />) },
    {
      title: "状态",
      key: "status",
      width: 120,
      onCell: (row) => groupSpan(row, false),
      render: t((task) => (
        <span>
          <StatusTag status={task.status} />
          <StatusNotes task={task} />
        </span>
      )),
    },
    { title: "牵头单位", key: "lead", width: 130, onCell: (row) => groupSpan(row, false), render: t((task) => task.leadUnit?.name ?? <span style={{ color: "#a8071a" }}>未指定</span>) },
    {
      title: "责任单位",
      key: "co",
      width: 170,
      onCell: (row) => groupSpan(row, false),
      render: t((task) =>
        task.coUnits.length === 0 ? (
          <span className="empty-text">无</span>
        ) : (
          <span className="clamp-2" title={task.coUnits.map((u) => u.name).join("、")}>
            {task.coUnits.map((u) => u.name).join("、")}
          </span>
        ),
      ),
    },
    {
      title: "完成时限",
      key: "deadline",
      width: 120,
      onCell: (row) => groupSpan(row, false),
      render: t((task) => <Deadline task={task} />),
    },
    { title: "期限", key: "mark", width: 80, onCell: (row) => groupSpan(row, false), render: t((task) => <MarkBadge mark={task.mark} empty={<span className="empty-text">无</span>} />) },
  ];
}

export function TaskTable({
  tasks,
  grouped = false,
  loading,
  more,
  caption,
  empty = "暂无数据",
}: {
  tasks: TaskSummary[];
  grouped?: boolean;
  loading?: boolean;
  /** 加载更多, below the table or the cards. */
  more?: ReactNode;
  caption?: string;
  empty?: string;
}) {
  const rows: Row[] = grouped ? groupRows(tasks) : tasks.map((task) => ({ kind: "task", key: task.id, task }));
  return (
    <ResponsiveTable<Row>
      label={caption ?? "任务列表"}
      rowKey="key"
      size="middle"
      columns={columns()}
      dataSource={rows}
      loading={loading}
      empty={empty}
      card={cardOf}
      pagination={false}
      minWidth={1040}
      footer={more ? () => more : undefined}
      after={more ? <div style={{ marginTop: 12 }}>{more}</div> : undefined}
      rowClassName={(row) => (row.kind === "group" ? "group-row" : "")}
      {...(caption ? { title: () => <span className="visually-hidden">{caption}</span> } : {})}
    />
  );
}
