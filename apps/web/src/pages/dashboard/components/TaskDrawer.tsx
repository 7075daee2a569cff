// Drill-down: the tasks behind a figure of the dashboard — either the dashboard's own rows (exact,
// with marks) or a task.list filter, optionally narrowed to the exact task ids the server counted.
import { useInfiniteQuery } from "@tanstack/react-query";
import { Alert, Button, Drawer, Grid } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useEffect } from "react";
import { Link } from "react-router";
import { ScrollTable } from "../../../components/ScrollTable";
import { MarkBadge, StageTag, StatusTag } from "../../../components/tags";
import { errorInfo } from "../../../lib/errors";
import { formatDate, taskNumber } from "../../../lib/format";
import { type RouterInputs, type RouterOutputs, useTRPC } from "../../../trpc";

export type DashboardRow = RouterOutputs["supervision"]["dashboard"]["rows"][number];
export type TaskListFilter = Omit<RouterInputs["task"]["list"], "cursor" | "limit">;

export type Drill =
  | { kind: "rows"; title: string; rows: DashboardRow[] }
  | { kind: "query"; title: string; filter: TaskListFilter; ids?: readonly string[] };

interface DrillRow {
  id: string;
  number: string;
  text: string;
  unit: string;
  stage: string;
  status: string;
  due: string | null;
  mark: string;
}

const columns: ColumnsType<DrillRow> = [
  { title: "序号", dataIndex: "number", key: "number", width: 110, render: (v: string) => <span style={{ whiteSpace: "nowrap" }}>{v}</span> },
  {
    title: "任务内容",
    key: "text",
    render: (_, r) => (
      <Link to={`/tasks/${r.id}`} title={r.text}>
        <span className="clamp-2">{r.text}</span>
      </Link>
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
        <div>{formatDate(r.due)}</div>
        <MarkBadge mark={r.mark} />
      </div>
    ),
  },
];

function fromDashboard(r: DashboardRow): DrillRow {
  return {
    id: r.taskId,
    number: r.path || "—",
    text: r.text,
    unit: r.leadUnitName ?? "—",
    stage: r.stage,
    status: r.status,
    due: r.marks.due,
    mark: r.marks.deadline,
  };
}

export function TaskDrawer({ drill, onClose }: { drill: Drill | null; onClose: () => void }) {
  const trpc = useTRPC();
  const screens = Grid.useBreakpoint();
  const query = drill?.kind === "query" ? drill : null;
  const list = useInfiniteQuery(
    trpc.task.list.infiniteQueryOptions(
      { ...(query?.filter ?? {}), limit: 500 },
      { getNextPageParam: (last) => last.nextCursor ?? undefined, enabled: query !== null },
    ),
  );
  const wantsAll = query?.ids !== undefined;
  useEffect(() => {
    // Narrowing to exact ids needs every page of the filter.
    if (wantsAll && list.hasNextPage && !list.isFetchingNextPage) void list.fetchNextPage();
  }, [wantsAll, list]);

  let rows: DrillRow[] = [];
  if (drill?.kind === "rows") rows = drill.rows.map(fromDashboard);
  if (query !== null) {
    const items = list.data?.pages.flatMap((p) => p.items) ?? [];
    const ids = query.ids ? new Set(query.ids) : null;
    rows = items
      .filter((t) => ids === null || ids.has(t.id))
      .map((t) => ({
        id: t.id,
        number: taskNumber(t.path),
        text: t.text,
        unit: t.leadUnit?.name ?? "—",
        stage: t.stage,
        status: t.status,
        due: t.dueDate,
        mark: t.mark,
      }));
  }
  const loading = query !== null && (list.isPending || (wantsAll && list.hasNextPage));

  return (
    <Drawer
      open={drill !== null}
      onClose={onClose}
      size={screens.md === false ? "100%" : 880}
      title={drill ? `${drill.title}（${loading ? "…" : rows.length} 项）` : ""}
      destroyOnHidden
    >
      {query !== null && list.isError && <Alert type="error" showIcon title={errorInfo(list.error).message} style={{ marginBottom: 12 }} />}
      <ScrollTable<DrillRow>
        label={drill ? `${drill.title}的任务` : "任务"}
        minWidth={760}
        rowKey="id"
        size="small"
        loading={loading}
        columns={columns}
        dataSource={rows}
        pagination={rows.length > 50 ? { pageSize: 50, showSizeChanger: false } : false}
        locale={{ emptyText: "没有任务" }}
      />
      {query !== null && !wantsAll && list.hasNextPage && (
        <Button style={{ marginTop: 12 }} onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
          加载更多
        </Button>
      )}
    </Drawer>
  );
}
