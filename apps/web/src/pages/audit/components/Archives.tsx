// The archived periods (issue 19): records older than the online window live in signed archive
// files, one per month. The auditor sees each period the register names — its dates, record count,
// seq range, file, and whether the file is there and verifies (red when it is missing or altered) —
// and opens one to read its records in the same register rows as the live log, filtered by person,
// task and event, a page at a time.
import { CheckCircleOutlined, CloseCircleOutlined, FileSearchOutlined } from "@ant-design/icons";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { Alert, Button, Card, Form, Select } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useEffect, useRef, useState } from "react";
import { cardFromColumns, ResponsiveTable } from "../../../components/ResponsiveTable";
import { ToneTag } from "../../../components/tags";
import { errorInfo } from "../../../lib/errors";
import { formatDate, formatDateTime } from "../../../lib/format";
import { type RouterInputs, type RouterOutputs, useTRPC } from "../../../trpc";
import { type AuditRow, auditCard, auditColumns } from "./AuditRows";
import { FilterActions, filterField, TaskPicker } from "./Filters";

type Archive = RouterOutputs["audit"]["archives"][number];
type Filters = Pick<RouterInputs["audit"]["archiveRecords"], "action" | "actorUserId" | "taskId">;

interface FormValues {
  actorUserId?: string;
  taskId?: string;
  action?: string;
}

const period = (a: Pick<Archive, "fromAt" | "toAt">) => `${formatDate(a.fromAt)} 至 ${formatDate(a.toAt)}`;

/**
 * The service's problem in plain words: what is wrong first, the technical detail (the verifier's
 * own message, in English) apart from it.
 */
export function archiveProblem(problem: string): { text: string; detail: string | null } {
  if (problem.startsWith("归档文件被改动")) {
    const detail = problem.slice("归档文件被改动".length).replace(/^[：:]\s*/, "");
    return { text: "归档文件被改动：签名或内容与归档时不符", detail: detail || null };
  }
  if (problem === "文件内容与归档登记不符") return { text: "文件内容与归档登记不符（文件被替换）", detail: null };
  return { text: problem, detail: null };
}

function ArchiveState({ a }: { a: Archive }) {
  if (a.verified) {
    return (
      <ToneTag tone="green">
        <CheckCircleOutlined /> 签名与内容校验通过
      </ToneTag>
    );
  }
  const { text, detail } = archiveProblem(a.problem ?? "无法校验");
  return (
    <span>
      <ToneTag tone="red">
        <CloseCircleOutlined /> {text}
      </ToneTag>
      {detail && <span style={{ display: "block", fontSize: 12, color: "rgba(0,0,0,0.65)", overflowWrap: "anywhere" }}>技术细节：{detail}</span>}
    </span>
  );
}

/** One archived period opened: its records, filtered and paged. */
function ArchiveRecords({ archive, onClose }: { archive: Archive; onClose: () => void }) {
  const trpc = useTRPC();
  const [form] = Form.useForm<FormValues>();
  const [filters, setFilters] = useState<Filters>({});
  const heading = useRef<HTMLHeadingElement>(null);
  const options = useQuery({ ...trpc.audit.filterOptions.queryOptions(), staleTime: 5 * 60_000 });
  const list = useInfiniteQuery(
    trpc.audit.archiveRecords.infiniteQueryOptions({ archiveSeq: archive.archiveSeq, ...filters, limit: 100 }, { getNextPageParam: (last) => last.nextCursor ?? undefined }),
  );
  // Opening a period takes the reader to it (the list of periods may be long).
  useEffect(() => {
    heading.current?.scrollIntoView({ block: "start" });
    heading.current?.focus({ preventScroll: true });
  }, [archive.archiveSeq]);

  const rows: AuditRow[] = list.data?.pages.flatMap((p) => p.items) ?? [];
  const people = (options.data?.people ?? []).map((p) => ({ value: p.id, label: `${p.name}（${p.unitName ?? p.role}）` }));
  const events = (options.data?.events ?? []).map((e) => ({ value: e.value, label: e.label }));
  const title = `${period(archive)} 的归档记录`;
  const apply = (v: FormValues) => {
    const f: Filters = {};
    if (v.actorUserId) f.actorUserId = v.actorUserId;
    if (v.taskId) f.taskId = v.taskId;
    if (v.action) f.action = v.action;
    setFilters(f);
  };
  const field = filterField<keyof FormValues>("archive");
  const filtered = Object.keys(filters).length > 0;

  return (
    <section aria-labelledby="archive-records-title" style={{ marginTop: 16, borderTop: "1px solid #f0f0f0", paddingTop: 12 }}>
      <div style={{ display: "flex", flexWrap: "wrap", gap: 8, alignItems: "baseline", justifyContent: "space-between", marginBottom: 8 }}>
        <h3 id="archive-records-title" ref={heading} tabIndex={-1} className="card-title" style={{ outline: "none" }}>
          {title}
        </h3>
        <Button size="small" onClick={onClose}>
          收起
        </Button>
      </div>
      <p style={{ marginTop: 0, color: "rgba(0,0,0,0.65)" }}>
        序号 {archive.firstSeq}–{archive.lastSeq}，共 {archive.count} 条，读自归档文件 <span style={{ overflowWrap: "anywhere" }}>{archive.fileName}</span>（归档于 {formatDateTime(archive.archivedAt)}）。
      </p>
      <Form<FormValues> form={form} layout="inline" onFinish={apply} aria-label="筛选归档记录" style={{ rowGap: 0, marginBottom: 8 }}>
        {field("人员", "actorUserId", <Select id="archive-actorUserId" allowClear showSearch={{ optionFilterProp: "label" }} options={people} placeholder="全部人员" popupMatchSelectWidth={false} />)}
        {field("任务", "taskId", <TaskPicker id="archive-taskId" />, 240)}
        {field("事件", "action", <Select id="archive-action" allowClear showSearch={{ optionFilterProp: "label" }} options={events} placeholder="全部事件" popupMatchSelectWidth={false} />, 170)}
        <FilterActions
          onReset={() => {
            form.resetFields();
            setFilters({});
          }}
        />
      </Form>
      {list.isError && <Alert type="error" showIcon role="alert" title="无法读取该归档" description={errorInfo(list.error).message} style={{ marginBottom: 12 }} />}
      <ResponsiveTable<AuditRow>
        label="归档记录"
        minWidth={980}
        rowKey="seq"
        size="small"
        loading={list.isPending}
        dataSource={rows}
        pagination={false}
        card={auditCard}
        tableLayout="fixed"
        empty={filtered ? "该期间没有符合条件的记录" : "该期间没有记录"}
        columns={auditColumns}
      />
      <div style={{ marginTop: 12, display: "flex", gap: 12, alignItems: "center", flexWrap: "wrap" }}>
        {!list.isPending && <span aria-live="polite">已加载 {rows.length} 条</span>}
        {list.hasNextPage && (
          <Button onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
            加载更多
          </Button>
        )}
      </div>
    </section>
  );
}

export function Archives() {
  const trpc = useTRPC();
  const list = useQuery(trpc.audit.archives.queryOptions());
  const [openSeq, setOpenSeq] = useState<number | null>(null);
  const items = list.data ?? [];
  const open = items.find((a) => a.archiveSeq === openSeq) ?? null;
  const broken = items.filter((a) => !a.verified);

  const columns: ColumnsType<Archive> = [
    { title: "期间", key: "period", width: 210, render: (_, a) => <span className="nowrap">{period(a)}</span> },
    { title: "记录数", key: "count", width: 90, render: (_, a) => `${a.count} 条` },
    { title: "序号范围", key: "seq", width: 120, render: (_, a) => `${a.firstSeq}–${a.lastSeq}` },
    { title: "归档文件", key: "file", render: (_, a) => <span style={{ overflowWrap: "anywhere" }}>{a.fileName}</span> },
    { title: "校验", key: "state", width: 260, render: (_, a) => <ArchiveState a={a} /> },
    {
      title: "操作",
      key: "actions",
      width: 120,
      render: (_, a) =>
        a.verified ? (
          <Button
            size="small"
            icon={<FileSearchOutlined />}
            aria-label={`查看 ${period(a)} 的归档记录`}
            aria-pressed={a.archiveSeq === openSeq}
            type={a.archiveSeq === openSeq ? "primary" : "default"}
            onClick={() => setOpenSeq(a.archiveSeq === openSeq ? null : a.archiveSeq)}
          >
            查看记录
          </Button>
        ) : (
          <span className="empty-text">无法读取</span>
        ),
    },
  ];

  return (
    <Card style={{ marginBottom: 16 }} title={<h2 className="card-title" id="archives-title">已归档的日志</h2>}>
      <section aria-labelledby="archives-title">
        <p style={{ marginTop: 0 }}>
          超过在线保存期的审计记录按月移入归档文件。每个归档文件都有数字签名，并在系统中登记了它的范围和哈希值；文件缺失或内容被改动时以红色标出，且不能读取。
        </p>
        {broken.length > 0 && (
          <Alert
            type="error"
            showIcon
            role="alert"
            style={{ marginBottom: 12 }}
            title={`有 ${broken.length} 个归档文件缺失或被改动`}
            description={`涉及期间：${broken.map(period).join("；")}。请从备份恢复原归档文件，并核查原因。`}
          />
        )}
        {list.isError && <Alert type="error" showIcon title="归档列表加载失败" description={errorInfo(list.error).message} style={{ marginBottom: 12 }} />}
        <ResponsiveTable<Archive>
          label="归档期间列表"
          minWidth={900}
          rowKey="archiveSeq"
          size="small"
          loading={list.isPending}
          dataSource={items}
          pagination={items.length > 12 ? { pageSize: 12, showSizeChanger: false } : false}
          empty="暂无归档（审计日志尚未超过在线保存期）"
          columns={columns}
          card={cardFromColumns(columns)}
        />
        {open && <ArchiveRecords key={open.archiveSeq} archive={open} onClose={() => setOpenSeq(null)} />}
      </section>
    </Card>
  );
}
