// Drill-down: the tasks behind a figure of the dashboard — the dashboard's own rows (with marks),
// the rows of a statistic's task ids (supervision.rows), or a task.list filter. The server returns at
// most `rowLimit` tasks per figure (the most urgent first); when a figure has more, the drawer says
// so ("显示前 N 项，共 M 项") and offers the figure's task.list filter for the rest. A task split into
// parts (分解) shows their roll-up and 查看子任务, which lists its parts in the same drawer (返回上一级
// goes back), so the office reaches a returned or late part from any figure.
import { ArrowLeftOutlined } from "@ant-design/icons";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { Alert, Button, Drawer, Grid } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useEffect, useState } from "react";
import { Link } from "react-router";
import { type PartsRollup, PartsRollupTags } from "../../../components/PartsRollup";
import { ListCard, ResponsiveTable } from "../../../components/ResponsiveTable";
import { MarkBadge, StageTag, StatusTag, stageLabel } from "../../../components/tags";
import { errorInfo } from "../../../lib/errors";
import { formatDate, taskNumber } from "../../../lib/format";
import { type RouterInputs, type RouterOutputs, useTRPC } from "../../../trpc";

export type DashboardRow = RouterOutputs["supervision"]["dashboard"]["rows"][number];
export type TaskListFilter = Omit<RouterInputs["task"]["list"], "cursor" | "limit">;

/** A figure cut to its first rows: its exact count, and the task.list filter for all of its tasks if there is one. */
export interface Cut {
  total: number;
  truncated: boolean;
  filter?: TaskListFilter;
}

export type Drill =
  | ({ kind: "rows"; title: string; rows: DashboardRow[] } & Partial<Cut>)
  | ({ kind: "ids"; title: string; ids: readonly string[] } & Partial<Cut>)
  | { kind: "query"; title: string; filter: TaskListFilter };

interface DrillRow {
  id: string;
  number: string;
  text: string;
  unit: string;
  stage: string;
  status: string;
  due: string | null;
  mark: string;
  parts: PartsRollup | null;
}

/** The parts of a row's task, as a drill of their own. */
function partsDrill(r: DrillRow): Drill {
  return { kind: "query", title: `${r.number ? `${r.number} ` : ""}${r.unit} 的子任务`, filter: { parentId: r.id } };
}

/** A split task's roll-up and the button that lists its parts. */
function PartsCell({ row, onParts }: { row: DrillRow; onParts: (d: Drill) => void }) {
  if (row.parts === null) return null;
  return (
    <div style={{ display: "flex", flexWrap: "wrap", gap: 4, alignItems: "center", marginTop: 4 }}>
      <PartsRollupTags parts={row.parts} />
      <Button size="small" onClick={() => onParts(partsDrill(row))} aria-label={`查看子任务 ${row.number} ${row.unit}`}>
        查看子任务
      </Button>
    </div>
  );
}

const columnsOf = (onParts: (d: Drill) => void): ColumnsType<DrillRow> => [
  { title: "序号", dataIndex: "number", key: "number", width: 110, render: (v: string) => <span style={{ whiteSpace: "nowrap" }}>{v}</span> },
  {
    title: "任务内容",
    key: "text",
    render: (_, r) => (
      <>
        <Link to={`/tasks/${r.id}`} title={r.text}>
          <span className="clamp-2">{r.text}</span>
        </Link>
        <PartsCell row={r} onParts={onParts} />
      </>
    ),
  },
  { title: "牵头单位", dataIndex: "unit", key: "unit", width: 170 },
  { title: "阶段", key: "stage", width: 90, render: (_, r) => <StageTag stage={r.stage} /> },
  { title: "状态", key: "status", width: 100, render: (_, r) => <StatusTag status={r.status} /> },
  {
    title: "时限",
    key: "due",
    width: 120,
    render: (_, r) => (
      <div style={{ whiteSpace: "nowrap" }}>
        <div>{r.due ? formatDate(r.due) : <span className="empty-text">未设时限</span>}</div>
        <MarkBadge mark={r.mark} />
      </div>
    ),
  },
];

const cardOf = (onParts: (d: Drill) => void) => (r: DrillRow) => {
  return (
    <ListCard
      lead={r.number ? `序号 ${r.number}` : undefined}
      title={
        <Link to={`/tasks/${r.id}`}>
          <span className="clamp-2">{r.text}</span>
        </Link>
      }
      tags={
        <>
          <StageTag stage={r.stage} />
          <StatusTag status={r.status} />
          <MarkBadge mark={r.mark} />
        </>
      }
      fields={[
        { label: "牵头单位", value: r.unit },
        { label: "完成时限", value: r.due ? <span className="nowrap">{formatDate(r.due)}</span> : <span className="empty-text">未设时限</span> },
      ]}
      extra={r.parts !== null ? <PartsCell row={r} onParts={onParts} /> : undefined}
    />
  );
};

/** A filter that narrows beyond plan and unit (otherwise "all tasks of the plan" is no help). */
function narrows(f: TaskListFilter): boolean {
  return f.overdue === true || (f.stage !== undefined && f.stage.length > 0);
}

/** The filter in words: "办理阶段、已逾期、本方案". */
function describeFilter(f: TaskListFilter): string {
  const parts: string[] = [];
  if (f.stage && f.stage.length > 0) parts.push(`${f.stage.map(stageLabel).join("、")}阶段`);
  if (f.overdue) parts.push("已逾期（按任务完成时限）");
  if (f.unitId) parts.push("该单位");
  parts.push(f.planId ? "本方案" : "全部方案");
  return parts.join("、");
}

function fromDashboard(r: DashboardRow): DrillRow {
  return {
    id: r.taskId,
    number: r.path,
    text: r.text,
    unit: r.leadUnitName ?? "未指定",
    stage: r.stage,
    status: r.status,
    due: r.marks.due,
    mark: r.marks.deadline,
    parts: r.parts,
  };
}

export function TaskDrawer({ drill: opened, onClose }: { drill: Drill | null; onClose: () => void }) {
  const trpc = useTRPC();
  const screens = Grid.useBreakpoint();
  // "按条件查看全部任务" (a cut figure's task.list filter) and "查看子任务" open a drill over the
  // figure's; 返回上一级 goes back down the stack.
  const [stack, setStack] = useState<Drill[]>([]);
  useEffect(() => setStack([]), [opened]);
  const drill = stack.at(-1) ?? opened;
  const push = (d: Drill) => setStack((s) => [...s, d]);
  const columns = columnsOf(push);
  const query = drill?.kind === "query" ? drill : null;
  const list = useInfiniteQuery(
    trpc.task.list.infiniteQueryOptions(
      { ...(query?.filter ?? {}), limit: 100 },
      { getNextPageParam: (last) => last.nextCursor ?? undefined, enabled: query !== null },
    ),
  );
  const byIds = drill?.kind === "ids" ? drill : null;
  const idRows = useQuery({ ...trpc.supervision.rows.queryOptions({ taskIds: [...(byIds?.ids ?? [])] }), enabled: byIds !== null && byIds.ids.length > 0 });

  let rows: DrillRow[] = [];
  if (drill?.kind === "rows") rows = drill.rows.map(fromDashboard);
  if (byIds !== null) rows = byIds.ids.length === 0 ? [] : (idRows.data ?? []).map(fromDashboard);
  if (query !== null) {
    const items = list.data?.pages.flatMap((p) => p.items) ?? [];
    rows = items.map((t) => ({
        id: t.id,
        number: taskNumber(t.path),
        text: t.text,
        unit: t.leadUnit?.name ?? "未指定",
        stage: t.stage,
        status: t.status,
        due: t.dueDate,
        mark: t.mark,
        parts: t.parts,
      }));
  }
  const loading = (query !== null && list.isPending) || (byIds !== null && byIds.ids.length > 0 && idRows.isPending);
  const cut = drill !== null && drill.kind !== "query" && drill.truncated === true ? drill : null;
  const error = query !== null ? list.error : byIds !== null ? idRows.error : null;
  // task.list pages: the count is known only once every page is loaded
  const count = loading ? "…" : cut ? `共 ${cut.total ?? rows.length}` : query !== null && list.hasNextPage ? `已加载 ${rows.length}` : rows.length;

  return (
    <Drawer
      open={drill !== null}
      onClose={onClose}
      size={screens.md === false ? "100%" : 880}
      title={drill ? `${drill.title}（${count} 项）` : ""}
      destroyOnHidden
    >
      {stack.length > 0 && (
        <Button size="small" icon={<ArrowLeftOutlined aria-hidden="true" />} style={{ marginBottom: 12 }} onClick={() => setStack((s) => s.slice(0, -1))}>
          返回上一级
        </Button>
      )}
      {error && <Alert type="error" showIcon title={errorInfo(error).message} style={{ marginBottom: 12 }} />}
      {cut && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 12 }}
          title={`显示前 ${rows.length} 项，共 ${cut.total ?? rows.length} 项（按紧急程度排列）。`}
          description={
            cut.filter && narrows(cut.filter) ? (
              <>
                <p style={{ margin: "0 0 8px" }}>其余任务可按任务列表的筛选条件查看（{describeFilter(cut.filter)}，可能多于上述 {cut.total ?? rows.length} 项）。</p>
                <Button size="small" onClick={() => cut.filter && push({ kind: "query", title: `${cut.title}：${describeFilter(cut.filter)}`, filter: cut.filter })}>
                  按条件查看全部任务
                </Button>
              </>
            ) : (
              "其余任务请在任务列表中按条件筛选查看。"
            )
          }
        />
      )}
      <ResponsiveTable<DrillRow>
        label={drill ? `${drill.title}的任务` : "任务"}
        card={cardOf(push)}
        minWidth={760}
        rowKey="id"
        size="small"
        loading={loading}
        columns={columns}
        dataSource={rows}
        pagination={rows.length > 50 ? { pageSize: 50, showSizeChanger: false } : false}
      />
      {query !== null && list.hasNextPage && (
        <Button style={{ marginTop: 12 }} onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
          加载更多
        </Button>
      )}
    </Drawer>
  );
}
