// The auditor's log: filters, cursor pages, chain verification, export as CSV / Excel.
import { CheckCircleOutlined, DownloadOutlined, SafetyCertificateOutlined } from "@ant-design/icons";
import { ROLE_LABELS, type Role } from "@duban/workflow";
import { useInfiniteQuery, useMutation } from "@tanstack/react-query";
import { Alert, App, Button, Card, Col, DatePicker, Form, Input, Result, Row, Select, Space } from "antd";
import type { Dayjs } from "dayjs";
import { useState } from "react";
import { Link } from "react-router";
import { useMe } from "../../auth";
import { PageHeader } from "../../components/PageHeader";
import { ScrollTable } from "../../components/ScrollTable";
import { ToneTag } from "../../components/tags";
import { useUnits } from "../../hooks/useUnits";
import { errorInfo } from "../../lib/errors";
import { formatDateTime } from "../../lib/format";
import { type RouterInputs, type RouterOutputs, useTRPC } from "../../trpc";
import { eventLabel, stateLabel } from "../tasks/components/History";
import { Checkpoints } from "./components/Checkpoints";
import { downloadFile } from "../../lib/download";

type AuditRow = RouterOutputs["audit"]["list"]["items"][number];
type Filters = Omit<RouterInputs["audit"]["list"], "cursor" | "limit">;
type Verify = RouterOutputs["audit"]["verify"];

interface FormValues {
  taskId?: string;
  actorUserId?: string;
  unitId?: string;
  action?: string;
  outcome?: "ok" | "refused" | "error";
  from?: Dayjs | null;
  to?: Dayjs | null;
}

const OUTCOMES = { ok: "成功", refused: "被拒绝", error: "出错" } as const;

const ACTIONS = [
  "auth.login",
  "auth.logout",
  "auth.change_password",
  "plan.import",
  "plan.create",
  "task.SIGN",
  "task.SUBMIT",
  "task.APPROVE",
  "task.RETURN",
  "task.URGE",
  "task.REASSIGN",
  "task.TERMINATE",
  "task.RATE",
  "task.CLOSE_EVALUATION",
  "unit.create",
  "unit.update",
  "unit_group.save",
  "user.create",
  "user.update",
  "user.grant_role",
  "audit.verify",
  "audit.export",
  "audit.checkpoint",
  "audit.verify_checkpoint",
  "auth.totp_setup",
  "auth.totp_enable",
  "security.set_totp_required",
  "user.reset_totp",
];

const MORE_LABELS: Record<string, string> = {
  "auth.login": "登录",
  "auth.logout": "退出登录",
  "auth.change_password": "修改密码",
  "unit.create": "新建单位",
  "unit.update": "修改单位",
  "unit_group.save": "保存单位分组",
  "user.create": "新建用户",
  "user.update": "修改用户",
  "user.grant_role": "变更角色",
  "audit.verify": "校验审计日志",
  "audit.export": "导出审计日志",
  "audit.checkpoint": "生成检查点",
  "audit.verify_checkpoint": "校验检查点",
  "auth.totp_setup": "获取动态验证码密钥",
  "auth.totp_enable": "启用动态验证码",
  "security.set_totp_required": "设置动态验证码策略",
  "user.reset_totp": "重置动态验证码",
};

const actionLabel = (a: string) => MORE_LABELS[a] ?? eventLabel(a);

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
  const units = useUnits();
  const [form] = Form.useForm<FormValues>();
  const [filters, setFilters] = useState<Filters>({});
  const list = useInfiniteQuery(
    trpc.audit.list.infiniteQueryOptions({ ...filters, limit: 100 }, { getNextPageParam: (last) => last.nextCursor ?? undefined, enabled: me.role === "auditor" }),
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

  if (me.role !== "auditor") {
    return <Result status="403" title={<h1 className="page-title">无权查看审计日志</h1>} subTitle="审计日志仅审计管理员可以查看。" />;
  }

  const rows: AuditRow[] = list.data?.pages.flatMap((p) => p.items) ?? [];
  const unitName = (id: string | null) => (id ? units.nameOf(id) : "—");

  const apply = (v: FormValues) => {
    const f: Filters = {};
    if (v.taskId?.trim()) f.taskId = v.taskId.trim();
    if (v.actorUserId?.trim()) f.actorUserId = v.actorUserId.trim();
    if (v.unitId) f.unitId = v.unitId;
    if (v.action) f.action = v.action;
    if (v.outcome) f.outcome = v.outcome;
    if (v.from) f.from = v.from.startOf("day").toISOString();
    if (v.to) f.to = v.to.endOf("day").toISOString();
    setFilters(f);
  };

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
      <Checkpoints />
      <Card style={{ marginBottom: 16 }} title={<h2 className="card-title">筛选</h2>}>
        <Form<FormValues> form={form} layout="vertical" onFinish={apply}>
          <Row gutter={16}>
            <Col xs={24} sm={12} lg={6}>
              <Form.Item label="任务编号" name="taskId">
                <Input allowClear />
              </Form.Item>
            </Col>
            <Col xs={24} sm={12} lg={6}>
              <Form.Item label="用户编号" name="actorUserId">
                <Input allowClear />
              </Form.Item>
            </Col>
            <Col xs={24} sm={12} lg={6}>
              <Form.Item label="单位" name="unitId">
                <Select allowClear showSearch={{ optionFilterProp: "label" }} options={units.options} placeholder="全部单位" />
              </Form.Item>
            </Col>
            <Col xs={24} sm={12} lg={6}>
              <Form.Item label="事件" name="action">
                <Select allowClear showSearch={{ optionFilterProp: "label" }} placeholder="全部事件" options={ACTIONS.map((a) => ({ value: a, label: `${actionLabel(a)}（${a}）` }))} />
              </Form.Item>
            </Col>
            <Col xs={24} sm={12} lg={6}>
              <Form.Item label="结果" name="outcome">
                <Select allowClear placeholder="全部" options={Object.entries(OUTCOMES).map(([value, label]) => ({ value, label }))} />
              </Form.Item>
            </Col>
            <Col xs={12} lg={6}>
              <Form.Item label="开始日期" name="from">
                <DatePicker style={{ width: "100%" }} />
              </Form.Item>
            </Col>
            <Col xs={12} lg={6}>
              <Form.Item label="结束日期" name="to">
                <DatePicker style={{ width: "100%" }} />
              </Form.Item>
            </Col>
            <Col xs={24} lg={6}>
              <Form.Item label={<span className="visually-hidden">操作</span>} colon={false}>
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
            </Col>
          </Row>
        </Form>
      </Card>
      {list.isError && <Alert type="error" showIcon title="加载失败" description={errorInfo(list.error).message} style={{ marginBottom: 16 }} />}
      <Card>
        <ScrollTable<AuditRow>
          label="审计记录"
          minWidth={1300}
          rowKey="seq"
          size="small"
          loading={list.isPending}
          dataSource={rows}
          pagination={false}
          locale={{ emptyText: <span className="empty-text">没有符合条件的记录</span> }}
          columns={[
            { title: "序号", dataIndex: "seq", width: 70 },
            { title: "时间", key: "at", width: 140, render: (_, r) => formatDateTime(r.at) },
            {
              title: "用户",
              key: "user",
              width: 150,
              render: (_, r) => (
                <span>
                  {r.actorUsername ?? "—"}
                  <div style={{ fontSize: 12 }}>{(ROLE_LABELS as Record<string, string>)[r.actorRole as Role] ?? r.actorRole ?? ""}</div>
                </span>
              ),
            },
            { title: "单位", key: "unit", width: 150, render: (_, r) => unitName(r.actorUnitId) },
            {
              title: "事件",
              key: "action",
              width: 150,
              render: (_, r) => (
                <span>
                  {actionLabel(r.action)}
                  <div style={{ fontSize: 12 }}>{r.action}</div>
                </span>
              ),
            },
            {
              title: "对象",
              key: "object",
              width: 150,
              render: (_, r) =>
                r.taskId ? (
                  <Link to={`/tasks/${r.taskId}`} aria-label={`任务 ${r.taskId}`}>
                    任务 {r.taskId.slice(0, 8)}
                  </Link>
                ) : (
                  <span>
                    {r.objectType}
                    {r.objectId ? ` ${r.objectId.slice(0, 8)}` : ""}
                  </span>
                ),
            },
            {
              title: "结果",
              key: "outcome",
              width: 110,
              render: (_, r) => (
                <span>
                  <ToneTag tone={r.outcome === "ok" ? "green" : "red"}>{OUTCOMES[r.outcome as keyof typeof OUTCOMES] ?? r.outcome}</ToneTag>
                  {r.reasonCode && <div style={{ fontSize: 12 }}>{r.reasonCode}</div>}
                </span>
              ),
            },
            { title: "状态变化", key: "state", width: 170, render: (_, r) => (r.fromState || r.toState ? `${stateLabel(r.fromState)} → ${stateLabel(r.toState)}` : "—") },
            { title: "说明", dataIndex: "comment", width: 220, render: (c: string | null) => <span className="clamp-2">{c ?? "—"}</span> },
            { title: "地址", dataIndex: "clientIp", width: 110, render: (c: string | null) => c ?? "—" },
          ]}
        />
        <div style={{ marginTop: 16, display: "flex", gap: 12, alignItems: "center", flexWrap: "wrap" }}>
          <span aria-live="polite">已加载 {rows.length} 条</span>
          {list.hasNextPage && (
            <Button onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
              加载更多
            </Button>
          )}
        </div>
      </Card>
    </>
  );
}
