// The auditor's log, read like a register: who (name, unit), what (the event in Chinese), which task
// (number and text, linked), the state change in words. Filters pick people, units, tasks and events
// from lists; results come first, the signed checkpoints below them. Export as CSV / Excel.
import { CheckCircleOutlined, DownloadOutlined, SafetyCertificateOutlined } from "@ant-design/icons";
import { useInfiniteQuery, useMutation, useQuery } from "@tanstack/react-query";
import { Alert, App, Button, Card, DatePicker, Form, Result, Select } from "antd";
import type { Dayjs } from "dayjs";
import { useState } from "react";
import { useMe } from "../../auth";
import { PageHeader } from "../../components/PageHeader";
import { ResponsiveTable } from "../../components/ResponsiveTable";
import { downloadFile } from "../../lib/download";
import { errorInfo } from "../../lib/errors";
import { type RouterInputs, type RouterOutputs, useTRPC } from "../../trpc";
import { Archives } from "./components/Archives";
import { type AuditRow, auditCard, auditColumns } from "./components/AuditRows";
import { Checkpoints } from "./components/Checkpoints";
import { FilterActions, filterField, TaskPicker } from "./components/Filters";

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
  const field = filterField<keyof FormValues>("audit");
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
          {field("任务", "taskId", <TaskPicker id="audit-taskId" />, 240)}
          {field("事件", "action", <Select id="audit-action" allowClear showSearch={{ optionFilterProp: "label" }} options={events} placeholder="全部事件" popupMatchSelectWidth={false} />, 170)}
          {field("结果", "outcome", <Select id="audit-outcome" allowClear placeholder="全部" options={Object.entries(OUTCOMES).map(([value, label]) => ({ value, label }))} />, 130)}
          {field("日期", "range", <DatePicker.RangePicker id={{ start: "audit-range" }} />, 260)}
          <FilterActions
            onReset={() => {
              form.resetFields();
              setFilters({});
            }}
          />
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
          columns={auditColumns}
        />
        <div style={{ marginTop: 12, display: "flex", gap: 12, alignItems: "center", flexWrap: "wrap" }}>
          {!list.isPending && <span aria-live="polite">已加载 {rows.length} 条</span>}
          {more}
        </div>
      </Card>
      <Archives />
      <Checkpoints />
    </>
  );
}
