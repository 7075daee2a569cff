// The auditor's log, read like a register: who (name, unit), what (the event in Chinese), which task
// (number and text, linked), the state change in words. Filters pick people, units, tasks and events
// from lists; results come first, the signed checkpoints below them. Export as CSV / Excel.
import { CheckCircleOutlined, DownloadOutlined, SafetyCertificateOutlined } from "@ant-design/icons";
import { useInfiniteQuery, useMutation, useQuery } from "@tanstack/react-query";
import { Alert, App, Button, Card, DatePicker, Form, Result, Select, Space } from "antd";
import type { Dayjs } from "dayjs";
import { cloneElement, useDeferredValue, useState } from "react";
import { Link } from "react-router";
import { useMe } from "../../auth";
import { PageHeader } from "../../components/PageHeader";
import { ListCard, ResponsiveTable } from "../../components/ResponsiveTable";
import { ToneTag } from "../../components/tags";
import { downloadFile } from "../../lib/download";
import { errorInfo } from "../../lib/errors";
import { formatDateTime } from "../../lib/format";
import { type RouterInputs, type RouterOutputs, useTRPC } from "../../trpc";
import { Checkpoints } from "./components/Checkpoints";

type AuditRow = RouterOutputs["audit"]["list"]["items"][number];
type Filters = Omit<RouterInputs["audit"]["list"], "cursor" | "limit">;
type Verify = RouterOutputs["audit"]["verify"];

interface FormValues {
  actorUserId?: string;
  unitId?: string;
  taskId?: string;
  action?: string;
  outcome?: "ok" | "refused" | "error";
  range?: [Dayjs | null, Dayjs | null] | null;
}

const OUTCOMES = { ok: "成功", refused: "被拒绝", error: "出错" } as const;

function VerifyResult({ result }: { result: Verify }) {
  if (result.ok) return <Alert type="success" showIcon icon={<CheckCircleOutlined />} title={`校验通过，共 ${result.count} 条记录，日志链完整、未被篡改。`} role="status" />;
  const broken = result.brokenAt;
  const problem: string = broken.problem;
  const PROBLEMS: Record<string, string> = {
    hash_mismatch: "记录内容与其哈希值不符（内容被修改）",
    prev_hash_mismatch: "与前一条记录的哈希链接不符（记录被删除或插入）",
    seq_gap: "序号不连续（有记录缺失）",
    head_mismatch: "日志末尾与保存的链头不符（末尾记录被删除）",
  };
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      title="校验未通过：审计日志可能被篡改"
      description={`问题出现在序号 ${broken.seq} 的记录：${PROBLEMS[problem] ?? (problem || "哈希链断裂")}。`}
    />
  );
}

/** Gives a form control its width while passing the Form.Item's value and onChange through. */
function ControlWidth({ width, children, ...props }: { width: number; children: React.ReactElement<Record<string, unknown>> }) {
  // The control keeps its own id: the Form.Item's label points at it by htmlFor.
  return cloneElement(children, { ...props, id: children.props.id ?? (props as { id?: unknown }).id, style: { width, maxWidth: "100%" } });
}

/** The task filter: type a number or words, pick the task from the matches. */
function TaskPicker({ value, onChange, style }: { value?: string; onChange?: (v: string | undefined) => void; style?: React.CSSProperties }) {
  const trpc = useTRPC();
  const [q, setQ] = useState("");
  const query = useDeferredValue(q.trim());
  const found = useQuery({ ...trpc.audit.findTasks.queryOptions({ q: query }), enabled: query.length > 0 });
  const [picked, setPicked] = useState<{ value: string; label: string } | null>(null);
  const options = (found.data ?? []).map((t) => ({ value: t.id, label: `${t.number}\u3000${t.text}` }));
  if (picked && !options.some((o) => o.value === picked.value)) options.unshift(picked);
  return (
    <Select
      id="audit-taskId"
      allowClear
      showSearch={{ filterOption: false, onSearch: setQ }}
      value={value}
      onChange={(v: string | undefined) => {
        setPicked(options.find((o) => o.value === v) ?? null);
        onChange?.(v);
      }}
      placeholder="输入序号或内容查找"
      notFoundContent={query.length === 0 ? "输入序号或内容" : found.isFetching ? "正在查找…" : "暂无数据"}
      options={options}
      popupMatchSelectWidth={false}
      style={style}
    />
  );
}

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

function auditCard(r: AuditRow) {
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

export function AuditListPage() {
  const me = useMe();
  const trpc = useTRPC();
  const { message } = App.useApp();
  const [form] = Form.useForm<FormValues>();
  const [filters, setFilters] = useState<Filters>({});
  const auditor = me.can.audit;
  const options = useQuery({ ...trpc.audit.filterOptions.queryOptions(), enabled: auditor, staleTime: 5 * 60_000 });
  const list = useInfiniteQuery(
    trpc.audit.list.infiniteQueryOptions({ ...filters, limit: 100 }, { getNextPageParam: (last) => last.nextCursor ?? undefined, enabled: auditor }),
  );
  const verify = useMutation(trpc.audit.verify.mutationOptions({ onError: (e) => message.error(errorInfo(e).message) }));
  const exporter = useMutation(
    trpc.audit.export.mutationOptions({
      onSuccess: (file) => {
        downloadFile(file);
        message.success(`已导出 ${file.count} 条记录`);
      },
      onError: (e) => message.error(errorInfo(e).message),
    }),
  );

  if (!auditor) {
    return <Result status="403" title={<h1 className="page-title">无权查看审计日志</h1>} subTitle="审计日志仅审计管理员可以查看。" />;
  }

  const rows: AuditRow[] = list.data?.pages.flatMap((p) => p.items) ?? [];
  const people = (options.data?.people ?? []).map((p) => ({ value: p.id, label: `${p.name}（${p.unitName ?? p.role}）` }));
  const units = (options.data?.units ?? []).map((u) => ({ value: u.id, label: u.name }));
  const events = (options.data?.events ?? []).map((e) => ({ value: e.value, label: e.label }));

  const apply = (v: FormValues) => {
    const f: Filters = {};
    if (v.actorUserId) f.actorUserId = v.actorUserId;
    if (v.unitId) f.unitId = v.unitId;
    if (v.taskId) f.taskId = v.taskId;
    if (v.action) f.action = v.action;
    if (v.outcome) f.outcome = v.outcome;
    if (v.range?.[0]) f.from = v.range[0].startOf("day").toISOString();
    if (v.range?.[1]) f.to = v.range[1].endOf("day").toISOString();
    setFilters(f);
  };
  // Each control has its own width; the label stays on its line beside it.
  const field = (label: string, name: keyof FormValues, control: React.ReactElement<Record<string, unknown>>, width = 180) => (
    <Form.Item label={label} name={name} htmlFor={`audit-${name}`} style={{ marginBottom: 8, maxWidth: "100%" }}>
      <ControlWidth width={width}>{control}</ControlWidth>
    </Form.Item>
  );
  const more = list.hasNextPage ? (
    <Button onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
      加载更多
    </Button>
  ) : null;

  return (
    <>
      <PageHeader
        title="审计日志"
        extra={
          <>
            <Button icon={<SafetyCertificateOutlined />} onClick={() => verify.mutate()} loading={verify.isPending}>
              校验日志完整性
            </Button>
            <Button icon={<DownloadOutlined />} onClick={() => exporter.mutate({ ...filters, format: "csv" })} loading={exporter.isPending && exporter.variables.format === "csv"}>
              导出 CSV
            </Button>
            <Button icon={<DownloadOutlined />} onClick={() => exporter.mutate({ ...filters, format: "xlsx" })} loading={exporter.isPending && exporter.variables.format === "xlsx"}>
              导出 Excel
            </Button>
          </>
        }
      />
      {verify.data && (
        <div style={{ marginBottom: 16 }}>
          <VerifyResult result={verify.data} />
        </div>
      )}
      <Card size="small" style={{ marginBottom: 12 }}>
        <Form<FormValues> form={form} layout="inline" onFinish={apply} aria-label="筛选" style={{ rowGap: 0 }}>
          {field("人员", "actorUserId", <Select id="audit-actorUserId" allowClear showSearch={{ optionFilterProp: "label" }} options={people} placeholder="全部人员" popupMatchSelectWidth={false} />)}
          {field("单位", "unitId", <Select id="audit-unitId" allowClear showSearch={{ optionFilterProp: "label" }} options={units} placeholder="全部单位" popupMatchSelectWidth={false} />)}
          {field("任务", "taskId", <TaskPicker />, 240)}
          {field("事件", "action", <Select id="audit-action" allowClear showSearch={{ optionFilterProp: "label" }} options={events} placeholder="全部事件" popupMatchSelectWidth={false} />, 170)}
          {field("结果", "outcome", <Select id="audit-outcome" allowClear placeholder="全部" options={Object.entries(OUTCOMES).map(([value, label]) => ({ value, label }))} />, 130)}
          {field("日期", "range", <DatePicker.RangePicker id={{ start: "audit-range" }} />, 260)}
          <Form.Item style={{ marginBottom: 8 }}>
            <Space>
              <Button type="primary" htmlType="submit">
                查询
              </Button>
              <Button
                onClick={() => {
                  form.resetFields();
                  setFilters({});
                }}
              >
                重置
              </Button>
            </Space>
          </Form.Item>
        </Form>
      </Card>
      {list.isError && <Alert type="error" showIcon title="加载失败" description={errorInfo(list.error).message} style={{ marginBottom: 16 }} />}
      <Card size="small" style={{ marginBottom: 16 }}>
        <ResponsiveTable<AuditRow>
          label="审计记录"
          minWidth={980}
          rowKey="seq"
          size="small"
          loading={list.isPending}
          dataSource={rows}
          pagination={false}
          card={auditCard}
          tableLayout="fixed"
          columns={[
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
          ]}
        />
        <div style={{ marginTop: 12, display: "flex", gap: 12, alignItems: "center", flexWrap: "wrap" }}>
          {!list.isPending && <span aria-live="polite">已加载 {rows.length} 条</span>}
          {more}
        </div>
      </Card>
      <Checkpoints />
    </>
  );
}
