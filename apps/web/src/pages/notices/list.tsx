// 督办单: the office drafts them from today's marks, issues or discards drafts; the unit's liaison
// answers its issued notices; leaders and the auditor read them all. One status tab at a time, read
// from the server page by page (newest first, 加载更多); the tabs show the server's count of each
// status (a liaison's: its unit's, never drafts).
import { keepPreviousData, useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Checkbox, Empty, Form, Grid, Input, Modal, Popconfirm, Space, Tabs, Tooltip } from "antd";
import type { ColumnsType } from "antd/es/table";
import { type ReactNode, useState } from "react";
import { Link } from "react-router";
import { useMe } from "../../auth";
import { PageHeader } from "../../components/PageHeader";
import { ScrollTable } from "../../components/ScrollTable";
import { ToneTag, type Tone } from "../../components/tags";
import { applyFieldErrors, errorInfo } from "../../lib/errors";
import { formatDate, formatDateTime } from "../../lib/format";
import { type RouterOutputs, useTRPC } from "../../trpc";

type Notice = RouterOutputs["supervision"]["notices"]["items"][number];
type Status = Notice["status"];

/** Notices per page (加载更多 reads the next). */
const PAGE_SIZE = 50;

const COLOUR_TONES: Record<string, Tone> = { blue: "blue", yellow: "gold", red: "red" };

/** The colour as a tag with its word (蓝色 / 黄色 / 红色督办单): never colour alone. */
function ColourTag({ notice }: { notice: Notice }) {
  return <ToneTag tone={COLOUR_TONES[notice.colour] ?? "gray"}>{notice.colourLabel}</ToneTag>;
}

function LateTag({ notice }: { notice: Notice }) {
  if (!notice.late) return null;
  return <ToneTag tone="red">{notice.status === "answered" ? "逾期答复" : "已超答复期限"}</ToneTag>;
}

/** Opens the notice as the printable form in a new tab (drafts as a preview). */
function PrintLink({ notice }: { notice: Notice }) {
  return (
    <Link to={`/notices/${notice.id}/print`} target="_blank" rel="noopener" style={{ fontSize: 12 }} aria-label={`打印${notice.colourLabel} ${notice.number ?? "草稿"}`}>
      {notice.status === "draft" ? "预览督办单" : "打印督办单"}
    </Link>
  );
}

export function NoticeListPage() {
  const me = useMe();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { message, modal } = App.useApp();
  // Page-level rights from auth.me (the server's capability table); each notice carries its own actions.
  const manages = me.can.manageNotices;
  const answersForUnit = me.can.answerNotices;
  const allowed = me.can.supervise;

  const isPhone = Grid.useBreakpoint().md === false;
  const [tab, setTab] = useState<Status>(manages ? "draft" : "issued");
  const [selected, setSelected] = useState<string[]>([]);
  const [answering, setAnswering] = useState<Notice | null>(null);
  const [answerForm] = Form.useForm<{ text: string }>();

  // The active tab's notices; while another tab's first page loads, the previous data stays as a
  // placeholder so the tab counts stay shown (its rows are not: they are another status's).
  const list = useInfiniteQuery(
    trpc.supervision.notices.infiniteQueryOptions(
      { status: tab, limit: PAGE_SIZE },
      { getNextPageParam: (last) => last.nextCursor ?? undefined, enabled: allowed, placeholderData: keepPreviousData },
    ),
  );
  const invalidate = () => {
    void queryClient.invalidateQueries(trpc.supervision.pathFilter());
    void queryClient.invalidateQueries(trpc.inbox.pathFilter());
  };

  const draft = useMutation(
    trpc.supervision.draftNotices.mutationOptions({
      onSuccess: (r) => {
        invalidate();
        setTab("draft");
        message.success(`已生成草稿：新建 ${r.created} 份，更新 ${r.updated} 份，跳过 ${r.skipped} 份`);
      },
      onError: (e) => message.error(errorInfo(e).message),
    }),
  );
  const issue = useMutation(
    trpc.supervision.issueNotices.mutationOptions({
      onSuccess: (r) => {
        invalidate();
        setSelected([]);
        message.success(`已签发 ${r.issued} 份督办单`);
      },
      onError: (e) => message.error(errorInfo(e).message),
    }),
  );
  const discard = useMutation(
    trpc.supervision.discardNotice.mutationOptions({
      onSuccess: (r) => {
        invalidate();
        setSelected((s) => s.filter((id) => id !== r.id));
        message.success("草稿已作废");
      },
      onError: (e) => message.error(errorInfo(e).message),
    }),
  );
  const answer = useMutation(
    trpc.supervision.answerNotice.mutationOptions({
      onSuccess: (n) => {
        invalidate();
        setAnswering(null);
        answerForm.resetFields();
        message.success(n.late ? "已提交答复（已超过答复期限）" : "已提交答复");
      },
      onError: (e) => {
        if (!applyFieldErrors(answerForm, e)) message.error(errorInfo(e).message);
      },
    }),
  );

  if (!allowed) {
    return <Alert type="warning" showIcon title={<h1 className="page-title">督办单</h1>} description="您的角色不能查看督办单。" />;
  }

  const switching = list.isPlaceholderData;
  const loading = list.isPending || switching;
  const rows: Notice[] = switching ? [] : (list.data?.pages.flatMap((p) => p.items) ?? []);
  const pages = list.data?.pages ?? [];
  // the newest page's counts (every page carries them; after a refetch all pages agree)
  const counts = pages[pages.length - 1]?.counts;

  const columns = (status: Status): ColumnsType<Notice> => [
    {
      title: "颜色",
      key: "colour",
      width: 120,
      render: (_, n) => (
        <Space size={4} wrap>
          <ColourTag notice={n} />
          <LateTag notice={n} />
        </Space>
      ),
    },
    {
      title: "编号",
      key: "number",
      width: 160,
      render: (_, n) => (
        <div>
          <div style={{ whiteSpace: "nowrap" }}>{n.number ?? "（未编号）"}</div>
          <div style={{ fontSize: 12, color: "rgba(0,0,0,0.7)" }}>
            {status === "draft" ? `生成于 ${formatDateTime(n.createdAt)}` : `签发于 ${formatDateTime(n.issuedAt)}`}
          </div>
          <PrintLink notice={n} />
        </div>
      ),
    },
    {
      title: "任务 / 承办单位",
      key: "task",
      width: 260,
      render: (_, n) => (
        <div>
          <Link to={`/tasks/${n.taskId}`} title={n.taskText}>
            <span className="clamp-2">
              {n.taskPath ? `${n.taskPath}\u3000` : ""}
              {n.taskText}
            </span>
          </Link>
          <div style={{ marginTop: 2 }}>{n.unitName}</div>
        </div>
      ),
    },
    { title: "督办事项", dataIndex: "facts", key: "facts", render: (v: string) => <span style={{ whiteSpace: "pre-wrap" }}>{v}</span> },
    { title: "答复期限", key: "replyDue", width: 104, render: (_, n) => <span style={{ whiteSpace: "nowrap" }}>{formatDate(n.replyDue)}</span> },
    ...(status === "answered"
      ? [
          {
            title: "答复",
            key: "answer",
            render: (_: unknown, n: Notice) => (
              <div>
                <div style={{ whiteSpace: "pre-wrap" }}>{n.answerText}</div>
                <div style={{ fontSize: 12, color: "rgba(0,0,0,0.7)" }}>{formatDateTime(n.answeredAt)}</div>
              </div>
            ),
          },
        ]
      : []),
    ...(rows.some((n) => n.actions.includes("discard"))
      ? [
          {
            title: "操作",
            key: "action",
            width: 90,
            render: (_: unknown, n: Notice) =>
              n.actions.includes("discard") && (
              <Popconfirm title="作废这份督办单草稿？" okText="作废" cancelText="取消" okButtonProps={{ danger: true }} onConfirm={() => discard.mutate({ id: n.id })}>
                <Button size="small" danger aria-label={`作废 ${n.unitName} 的督办单草稿`}>
                  作废
                </Button>
              </Popconfirm>
              ),
          },
        ]
      : []),
    ...(rows.some((n) => n.actions.includes("answer"))
      ? [
          {
            title: "操作",
            key: "action",
            width: 90,
            render: (_: unknown, n: Notice) =>
              n.actions.includes("answer") && (
                <Button size="small" type="primary" onClick={() => setAnswering(n)} aria-label={`反馈督办单 ${n.number ?? ""}`}>
                  反馈
                </Button>
              ),
          },
        ]
      : []),
  ];

  const emptyText = (status: Status) =>
    status === "draft" ? "暂无草稿。点击“生成督办单草稿”按今日时限标记生成。" : status === "issued" ? "暂无待答复的督办单" : "暂无已答复的督办单";

  // Phones: one card per notice instead of a wide table.
  const cards = (status: Status, label: string) => {
    if (rows.length === 0) return <Empty description={emptyText(status)} />;
    return (
      <ul aria-label={label} style={{ listStyle: "none", margin: 0, padding: 0 }}>
        {rows.map((n) => (
          <li key={n.id} style={{ border: "1px solid #f0f0f0", borderRadius: 8, padding: 12, marginBottom: 12 }}>
            <div style={{ display: "flex", flexWrap: "wrap", alignItems: "center", gap: 4 }}>
              {n.actions.includes("issue") && (
                <Checkbox
                  checked={selected.includes(n.id)}
                  onChange={(e) => setSelected((cur) => (e.target.checked ? [...cur, n.id] : cur.filter((id) => id !== n.id)))}
                  aria-label={`选择 ${n.unitName} 的督办单`}
                />
              )}
              <ColourTag notice={n} />
              <LateTag notice={n} />
              <span>{n.number ?? "（未编号）"}</span>
            </div>
            <Link to={`/tasks/${n.taskId}`} style={{ display: "block", marginTop: 6 }}>
              <span className="clamp-2">
                {n.taskPath ? `${n.taskPath}\u3000` : ""}
                {n.taskText}
              </span>
            </Link>
            <div style={{ marginTop: 4 }}>承办单位：{n.unitName}</div>
            <p style={{ whiteSpace: "pre-wrap", margin: "6px 0" }}>{n.facts}</p>
            <div>
              答复期限：{formatDate(n.replyDue)}{"\u3000"}<PrintLink notice={n} />
            </div>
            {n.answerText && (
              <div style={{ marginTop: 6, padding: 8, background: "#f6ffed", borderRadius: 6 }}>
                <div style={{ whiteSpace: "pre-wrap" }}>答复：{n.answerText}</div>
                <div style={{ fontSize: 12, color: "rgba(0,0,0,0.7)" }}>{formatDateTime(n.answeredAt)}</div>
              </div>
            )}
            {n.actions.includes("answer") && (
              <Button type="primary" size="small" style={{ marginTop: 8 }} onClick={() => setAnswering(n)} aria-label={`反馈督办单 ${n.number ?? ""}`}>
                反馈
              </Button>
            )}
            {n.actions.includes("discard") && (
              <Popconfirm title="作废这份督办单草稿？" okText="作废" cancelText="取消" okButtonProps={{ danger: true }} onConfirm={() => discard.mutate({ id: n.id })}>
                <Button size="small" danger style={{ marginTop: 8 }} aria-label={`作废 ${n.unitName} 的督办单草稿`}>
                  作废
                </Button>
              </Popconfirm>
            )}
          </li>
        ))}
      </ul>
    );
  };

  const more = (
    <div style={{ marginTop: 12, display: "flex", gap: 12, alignItems: "center", flexWrap: "wrap" }}>
      {!loading && counts !== undefined && (
        <span aria-live="polite">
          已加载 {rows.length} / {counts[tab]} 份
        </span>
      )}
      {list.hasNextPage && !switching && (
        <Button onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
          加载更多
        </Button>
      )}
    </div>
  );

  const table = (status: Status, label: string) => {
    if (isPhone && !loading) return cards(status, label);
    return (
      <ScrollTable<Notice>
        label={label}
        minWidth={status === "answered" ? 1100 : 880}
        rowKey="id"
        size="small"
        loading={loading}
        columns={columns(status)}
        dataSource={rows}
        pagination={false}
        rowSelection={
          rows.some((n) => n.actions.includes("issue"))
            ? { selectedRowKeys: selected, onChange: (keys) => setSelected(keys.map(String)), getCheckboxProps: (n) => ({ "aria-label": `选择 ${n.unitName} 的督办单`, disabled: !n.actions.includes("issue") }) }
            : undefined
        }
        locale={{ emptyText: loading ? null : emptyText(status) }}
      />
    );
  };

  /** A tab's count from the server (nothing until the first page answers). */
  const count = (s: Status, alert = false) =>
    counts === undefined ? null : (
      <span className={`tab-count${alert && counts[s] > 0 ? " alert" : ""}`}>
        {counts[s]}
        <span className="visually-hidden">份</span>
      </span>
    );
  /** Issued notices past their reply date without an answer. */
  const lateCount =
    counts !== undefined && counts.late > 0 ? (
      <span className="tab-count alert" title="已超过答复期限仍未答复">
        超期 {counts.late}
      </span>
    ) : null;
  /** The active tab's content: the others render nothing (their rows are not loaded). */
  const pane = (status: Status, content: () => ReactNode) => (tab === status ? content() : null);

  const confirmIssue = () => {
    modal.confirm({
      title: `签发 ${selected.length} 份督办单？`,
      content: "签发后按年度顺序编号（督办〔年〕第N号），通知承办单位并记入审计日志，不能撤回。",
      okText: "签发",
      cancelText: "取消",
      onOk: () => issue.mutateAsync({ ids: selected }),
    });
  };

  const items = [
    ...(manages
      ? [
          {
            key: "draft",
            label: <span>草稿{count("draft")}</span>,
            children: pane("draft", () => (
              <>
                <Space wrap style={{ marginBottom: 12 }}>
                  <Tooltip title={selected.length === 0 ? "请先勾选草稿" : undefined}>
                    <Button type="primary" disabled={selected.length === 0} loading={issue.isPending} onClick={confirmIssue}>
                      签发所选（{selected.length}）
                    </Button>
                  </Tooltip>
                  <Button onClick={() => setSelected(rows.filter((n) => n.actions.includes("issue")).map((n) => n.id))} disabled={rows.length === 0}>
                    {list.hasNextPage ? "全选已加载" : "全选"}
                  </Button>
                </Space>
                {table("draft", "督办单草稿")}
                {more}
              </>
            )),
          },
        ]
      : []),
    {
      key: "issued",
      label: (
        <span>
          {answersForUnit ? "待答复" : "已签发待答复"}
          {count("issued", answersForUnit)}
          {lateCount}
        </span>
      ),
      children: pane("issued", () => (
        <>
          {table("issued", "已签发待答复的督办单")}
          {more}
        </>
      )),
    },
    {
      key: "answered",
      label: <span>已答复{count("answered")}</span>,
      children: pane("answered", () => (
        <>
          {table("answered", "已答复的督办单")}
          {more}
        </>
      )),
    },
  ];

  return (
    <>
      <PageHeader
        title="督办单"
        extra={
          manages && (
            <Button type="primary" loading={draft.isPending} onClick={() => draft.mutate({})}>
              生成督办单草稿
            </Button>
          )
        }
        sub={
          <span style={{ color: "rgba(0,0,0,0.7)" }}>
            {answersForUnit
              ? `${me.unitName ?? "本单位"}收到的督办单，请在答复期限前反馈。`
              : "蓝色：时限临近；黄色：进度滞后；红色：已逾期。"}
          </span>
        }
      />
      {list.isError && <Alert type="error" showIcon title="督办单加载失败" description={errorInfo(list.error).message} style={{ marginBottom: 16 }} />}
      <div style={{ background: "#fff", padding: "0 16px 16px", borderRadius: 8 }}>
        <Tabs activeKey={tab} onChange={(k) => setTab(k as Status)} items={items} />
      </div>

      <Modal
        open={answering !== null}
        title="反馈督办单"
        okText="提交答复"
        cancelText="取消"
        confirmLoading={answer.isPending}
        onCancel={() => setAnswering(null)}
        onOk={() => answerForm.submit()}
        destroyOnHidden
      >
        {answering && (
          <>
            <p style={{ marginTop: 0 }}>
              <ColourTag notice={answering} /> {answering.number}{"\u3000"}答复期限 {formatDate(answering.replyDue)}
              {answering.late && <LateTag notice={answering} />}
            </p>
            <p style={{ whiteSpace: "pre-wrap" }}>{answering.facts}</p>
            <Form form={answerForm} layout="vertical" onFinish={(v) => answer.mutate({ id: answering.id, text: v.text })}>
              <Form.Item name="text" label="答复内容" rules={[{ required: true, whitespace: true, message: "请填写答复内容" }]}>
                <Input.TextArea rows={5} maxLength={20000} showCount />
              </Form.Item>
            </Form>
          </>
        )}
      </Modal>
    </>
  );
}
