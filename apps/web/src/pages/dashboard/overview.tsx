// 督办看板: figures, charts and buckets of the open tasks, each one opening the tasks behind it.
// Office and leaders see everything; the auditor the same without actions; a liaison their unit's buckets.
import { DownloadOutlined, FileWordOutlined, ReloadOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Card, Col, DatePicker, Form, Input, Modal, Row, Select, Space, Spin } from "antd";
import type { ColumnsType } from "antd/es/table";
import dayjs, { type Dayjs } from "dayjs";
import { useMemo, useState } from "react";
import { Link } from "react-router";
import { useMe } from "../../auth";
import { PageHeader } from "../../components/PageHeader";
import { ScrollTable } from "../../components/ScrollTable";
import { useToday } from "../../lib/clock";
import { errorInfo } from "../../lib/errors";
import { formatDate } from "../../lib/format";
import { type RouterOutputs, useTRPC } from "../../trpc";
import { Buckets } from "./components/Buckets";
import { downloadFile, downloadFrom } from "../../lib/download";
import { EChart, type ChartOption } from "./components/EChart";
import { FigureList } from "./components/FigureList";
import { TaskDrawer, type DashboardRow, type Drill } from "./components/TaskDrawer";
import "./dashboard.css";

type Stats = RouterOutputs["supervision"]["stats"];
type UnitRank = Stats["units"][number];

const ALL_PLANS = "__all__";
const PALETTE = ["#0958d9", "#08979c", "#d48806", "#722ed1", "#d4380d", "#389e0d", "#595959"];

const percent = (rate: number | null) => (rate === null ? "—" : `${Math.round(rate * 1000) / 10}%`);

function quarterOf(d: Dayjs): string {
  return `${d.year()}Q${Math.floor(d.month() / 3) + 1}`;
}

function barOption(labels: string[], values: number[], opts: { horizontal?: boolean; name: string }): ChartOption {
  const category = { type: "category", data: labels, axisLabel: { color: "#262626", interval: 0 }, axisLine: { lineStyle: { color: "#8c8c8c" } } };
  const value = { type: "value", minInterval: 1, axisLabel: { color: "#262626" } };
  return {
    color: PALETTE,
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    grid: { left: 8, right: 24, top: 16, bottom: 8, containLabel: true },
    xAxis: opts.horizontal ? value : category,
    yAxis: opts.horizontal ? { ...category, inverse: true } : value,
    series: [
      {
        name: opts.name,
        type: "bar",
        barMaxWidth: 36,
        data: values.map((v, i) => ({ value: v, itemStyle: { color: PALETTE[i % PALETTE.length] } })),
        label: { show: true, position: opts.horizontal ? "right" : "top", color: "#262626" },
      },
    ],
  };
}

function pieOption(items: { name: string; value: number }[], name: string): ChartOption {
  return {
    color: ["#389e0d", "#0958d9", "#cf1322", "#d48806"],
    tooltip: { trigger: "item" },
    legend: { bottom: 0, textStyle: { color: "#262626" } },
    series: [
      {
        name,
        type: "pie",
        radius: ["35%", "65%"],
        center: ["50%", "45%"],
        data: items,
        label: { color: "#262626", formatter: "{b}\n{c}" },
      },
    ],
  };
}

function StatCard({ title, value, note, action }: { title: string; value: React.ReactNode; note?: React.ReactNode; action?: React.ReactNode }) {
  return (
    <section className="stat-card" aria-label={title}>
      <span className="stat-title">{title}</span>
      <span className="stat-value">{value}</span>
      {note && <span className="stat-note">{note}</span>}
      {action}
    </section>
  );
}

export function DashboardPage() {
  const me = useMe();
  const today = useToday();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { message, modal } = App.useApp();
  // From auth.me (the server's capability table): no role lists here.
  const overseer = me.can.oversee;
  const allowed = me.can.supervise;
  const isOffice = me.can.manageNotices;

  const plans = useQuery({ ...trpc.plan.list.queryOptions(), enabled: allowed });
  const [choice, setChoice] = useState<string>();
  const planId = choice === undefined ? plans.data?.[0]?.id : choice === ALL_PLANS ? undefined : choice;
  const planReady = !plans.isPending;
  const input = planId ? { planId } : {};

  const dash = useQuery({ ...trpc.supervision.dashboard.queryOptions(input), enabled: allowed && planReady });
  const stats = useQuery({ ...trpc.supervision.stats.queryOptions(input), enabled: overseer && planReady });

  const [drill, setDrill] = useState<Drill | null>(null);
  const [bulletinOpen, setBulletinOpen] = useState(false);
  const [quarter, setQuarter] = useState<Dayjs | null>(() => dayjs(today));
  const [urgeUnit, setUrgeUnit] = useState<UnitRank | null>(null);
  const [urgeForm] = Form.useForm<{ text?: string }>();

  const rowsById = useMemo(() => new Map((dash.data?.rows ?? []).map((r) => [r.taskId, r])), [dash.data]);
  const rowsOf = (ids: readonly string[]): DashboardRow[] => ids.map((id) => rowsById.get(id)).filter((r): r is DashboardRow => r !== undefined);

  // The 台账 is a download the server streams while it writes it (GET /api/exports/ledger).
  const ledger = useMutation({
    mutationFn: (id: string) => downloadFrom(`/api/exports/ledger?planId=${encodeURIComponent(id)}`, "任务台账.xlsx"),
    onSuccess: (filename) => message.success(`已导出台账：${filename}`),
    onError: (e) => message.error(errorInfo(e).message),
  });
  const bulletin = useMutation(
    trpc.supervision.exportBulletin.mutationOptions({
      onSuccess: (file) => {
        downloadFile(file);
        setBulletinOpen(false);
        message.success(`已生成季度通报：${file.filename}`);
      },
      onError: (e) => message.error(errorInfo(e).message),
    }),
  );
  const urge = useMutation(
    trpc.supervision.urgeOverdue.mutationOptions({
      onSuccess: (r) => {
        const name = urgeUnit?.unitName ?? "";
        setUrgeUnit(null);
        urgeForm.resetFields();
        void queryClient.invalidateQueries(trpc.supervision.pathFilter());
        void queryClient.invalidateQueries(trpc.task.pathFilter());
        modal.success({
          title: "催办完成",
          content: (
            <div>
              <p>
                {name}：逾期任务 {r.overdue} 项，已催办 {r.urged} 项{r.failed.length > 0 ? `，未能催办 ${r.failed.length} 项` : ""}。
              </p>
              {r.failed.length > 0 && (
                <ul>
                  {r.failed.map((f) => (
                    <li key={f.taskId}>
                      <Link to={`/tasks/${f.taskId}`}>任务</Link>：{f.message}
                    </li>
                  ))}
                </ul>
              )}
            </div>
          ),
        });
      },
      onError: (e) => message.error(errorInfo(e).message),
    }),
  );

  if (!allowed) {
    return <Alert type="warning" showIcon title={<h1 className="page-title">督办看板</h1>} description="您的角色不能查看督办看板。" />;
  }

  const planOptions = [
    { value: ALL_PLANS, label: "全部工作方案" },
    ...(plans.data ?? []).map((p) => ({ value: p.id, label: p.docNumber ? `${p.docNumber} ${p.title}` : p.title })),
  ];
  const s = stats.data;
  const d = dash.data;
  const bucketCount = (key: string) => d?.buckets.find((b) => b.key === key)?.count ?? 0;

  const unitColumns: ColumnsType<UnitRank> = [
    // The position in this table (the server ranks every unit, also those leading nothing).
    { title: "排名", key: "rank", width: 64, align: "center", render: (_, u) => (s?.units.indexOf(u) ?? 0) + 1 },
    {
      title: "单位",
      key: "unit",
      render: (_, u) => (
        <Button type="link" size="small" style={{ padding: 0, height: "auto", whiteSpace: "normal", textAlign: "start" }} onClick={() => setDrill({ kind: "query", title: `${u.unitName} 牵头及参与的任务`, filter: u.filters.all })}>
          {u.unitName}
        </Button>
      ),
    },
    { title: "牵头", dataIndex: "lead", key: "lead", width: 64, align: "right" },
    { title: "协办", dataIndex: "co", key: "co", width: 64, align: "right" },
    { title: "在办", dataIndex: "open", key: "open", width: 64, align: "right" },
    { title: "已完成", dataIndex: "completed", key: "completed", width: 76, align: "right" },
    { title: "按时率", key: "onTimeRate", width: 84, align: "right", render: (_, u) => percent(u.onTimeRate) },
    {
      title: "逾期",
      key: "overdue",
      width: 64,
      align: "right",
      render: (_, u) =>
        u.overdue > 0 ? (
          <Button
            type="link"
            size="small"
            danger
            aria-label={`${u.unitName} 逾期 ${u.overdue} 项，查看任务`}
            onClick={() =>
              // the dashboard's rows hold every open task unless it had to cut them; then the unit's overdue filter
              d && !d.open.truncated
                ? setDrill({ kind: "rows", title: `${u.unitName} 逾期任务`, rows: d.rows.filter((r) => r.leadUnitId === u.unitId && r.marks.overdue) })
                : setDrill({ kind: "query", title: `${u.unitName} 逾期任务`, filter: u.filters.overdue })
            }
          >
            {u.overdue}
          </Button>
        ) : (
          0
        ),
    },
    { title: "退回", dataIndex: "returns", key: "returns", width: 64, align: "right" },
    { title: "本月缺报", dataIndex: "missingReports", key: "missingReports", width: 84, align: "right" },
    ...(isOffice
      ? [
          {
            title: "操作",
            key: "action",
            width: 120,
            render: (_: unknown, u: UnitRank) => (
              <Button size="small" disabled={u.overdue === 0} onClick={() => setUrgeUnit(u)} aria-label={`一键催办 ${u.unitName} 的逾期任务`}>
                一键催办逾期
              </Button>
            ),
          },
        ]
      : []),
  ];

  const openBucket = (key: string, title: string) => {
    const b = d?.buckets.find((x) => x.key === key);
    setDrill({ kind: "rows", title, rows: rowsOf(b?.taskIds ?? []), total: b?.count ?? 0, truncated: b?.truncated ?? false, filter: b?.filter });
  };

  const refresh = () => {
    void queryClient.invalidateQueries(trpc.supervision.dashboard.pathFilter());
    void queryClient.invalidateQueries(trpc.supervision.stats.pathFilter());
  };

  const extra = (
    <>
      <Select
        aria-label="选择工作方案"
        style={{ minWidth: 220, maxWidth: 360 }}
        value={choice ?? planId ?? ALL_PLANS}
        onChange={setChoice}
        options={planOptions}
        loading={plans.isPending}
        popupMatchSelectWidth={false}
      />
      <Button icon={<ReloadOutlined aria-hidden="true" />} onClick={refresh}>
        刷新
      </Button>
      {overseer && (
        <Button icon={<DownloadOutlined aria-hidden="true" />} disabled={!planId} title={planId ? undefined : "请先选择一个工作方案"} loading={ledger.isPending} onClick={() => planId && ledger.mutate(planId)}>
          导出台账
        </Button>
      )}
      {me.can.exportBulletin && (
        <Button icon={<FileWordOutlined aria-hidden="true" />} disabled={!planId} title={planId ? undefined : "请先选择一个工作方案"} onClick={() => setBulletinOpen(true)}>
          生成季度通报
        </Button>
      )}
    </>
  );

  const loading = dash.isPending || (overseer && stats.isPending);
  const error = dash.error ?? stats.error;

  return (
    <>
      <PageHeader
        title="督办看板"
        extra={extra}
        sub={
          <span style={{ color: "rgba(0,0,0,0.7)" }}>
            统计日期 {formatDate(d?.today ?? s?.today ?? null)}
            {!overseer ? ` · ${me.unitName ?? "本单位"}的任务` : ""}
            {overseer && !isOffice ? " · 只读" : ""}
          </span>
        }
      />
      {error && <Alert type="error" showIcon title={errorInfo(error).message} style={{ marginBottom: 16 }} />}
      {loading && !error ? (
        <div style={{ padding: 48, textAlign: "center" }}>
          <Spin tip="正在统计…">
            <div style={{ height: 40 }} />
          </Spin>
        </div>
      ) : (
        <>
          <div className="stat-grid">
            {s ? (
              <>
                <StatCard title="任务总数" value={s.total} note={`已办结或终止 ${s.total - s.open} 项`} />
                <StatCard title="在办任务" value={s.open} />
                <StatCard
                  title="逾期任务"
                  value={<span style={{ color: s.overdue.count > 0 ? "#a8071a" : undefined }}>{s.overdue.count}</span>}
                  action={
                    s.overdue.count > 0 && (
                      <Button type="link" size="small" style={{ padding: 0, alignSelf: "flex-start" }} onClick={() => setDrill({ kind: "ids", title: "逾期任务", ids: s.overdue.taskIds, total: s.overdue.count, truncated: s.overdue.truncated, filter: s.overdue.filter })}>
                        查看逾期任务
                      </Button>
                    )
                  }
                />
                <StatCard
                  title="按时完成率"
                  value={percent(s.onTime.rate)}
                  note={`办理完成 ${s.onTime.completed} 项，按时 ${s.onTime.completedOnTime} 项`}
                  action={
                    s.onTime.completed > 0 && (
                      <Button type="link" size="small" style={{ padding: 0, alignSelf: "flex-start" }} onClick={() => setDrill({ kind: "ids", title: "已完成办理的任务", ids: s.onTime.taskIds, total: s.onTime.completed, truncated: s.onTime.truncated })}>
                        查看已完成任务
                      </Button>
                    )
                  }
                />
                <StatCard
                  title="本月缺报"
                  value={s.missingReports.total}
                  note={`${s.missingReports.period} 月度进度`}
                  action={
                    <Link to={`/reports/missing?period=${s.missingReports.period}`} style={{ fontSize: 14 }}>
                      查看缺报单位
                    </Link>
                  }
                />
              </>
            ) : (
              d && (
                <>
                  <StatCard title="在办任务" value={d.open.count} />
                  <StatCard title="逾期任务" value={<span style={{ color: bucketCount("red") > 0 ? "#a8071a" : undefined }}>{bucketCount("red")}</span>} />
                  <StatCard title="临期任务" value={bucketCount("yellow")} />
                  <StatCard
                    title="本月未报进度"
                    value={bucketCount("noReport")}
                    action={
                      <Link to="/reports/missing" style={{ fontSize: 14 }}>
                        查看月报缺报
                      </Link>
                    }
                  />
                </>
              )
            )}
          </div>

          {d && (
            <Card title={<h2 className="section-title">督办提示</h2>} style={{ marginBottom: 16 }}>
              <p style={{ marginTop: 0, color: "rgba(0,0,0,0.7)" }}>
                点击卡片查看对应任务。
                {d.buckets.some((b) => b.truncated) && `任务较多的类别只列出最紧急的前 ${d.rowLimit} 项，打开后可按条件查看全部。`}
              </p>
              <Buckets buckets={d.buckets} onOpen={(b) => openBucket(b.key, b.label)} />
            </Card>
          )}

          {s && (
            <>
              <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
                <Col xs={24} xl={12}>
                  <Card title={<h2 className="section-title">各阶段任务数</h2>} style={{ height: "100%" }}>
                    <div className="chart-pair">
                      <EChart
                        label={`各阶段任务数柱状图：${s.byStage.map((b) => `${b.label} ${b.count} 项`).join("，")}`}
                        option={barOption(s.byStage.map((b) => b.label), s.byStage.map((b) => b.count), { name: "任务数", horizontal: true })}
                        onSelect={(i) => {
                          const b = s.byStage[i];
                          if (b) setDrill({ kind: "query", title: `${b.label}阶段的任务`, filter: b.filter });
                        }}
                      />
                      <FigureList
                        label="各阶段任务数"
                        items={s.byStage.map((b) => ({
                          key: b.stage,
                          label: b.label,
                          value: `${b.count} 项`,
                          onOpen: b.count > 0 ? () => setDrill({ kind: "query", title: `${b.label}阶段的任务`, filter: b.filter }) : undefined,
                          openLabel: `${b.label} ${b.count} 项，查看任务`,
                        }))}
                      />
                    </div>
                  </Card>
                </Col>
                <Col xs={24} xl={12}>
                  <Card title={<h2 className="section-title">退回原因（共 {s.returns.total} 次）</h2>} style={{ height: "100%" }}>
                    <div className="chart-pair">
                      <EChart
                        label={`退回原因条形图：${s.returns.byReason.map((r) => `${r.label} ${r.count} 次`).join("，")}`}
                        option={barOption(s.returns.byReason.map((r) => r.label), s.returns.byReason.map((r) => r.count), { name: "退回次数", horizontal: true })}
                      />
                      <div>
                        <FigureList label="按原因" items={s.returns.byReason.map((r) => ({ key: r.reason, label: r.label, value: `${r.count} 次` }))} />
                        <h3 style={{ fontSize: 14, margin: "12px 0 4px" }}>按牵头单位</h3>
                        {s.returns.byUnit.length === 0 ? (
                          <p style={{ margin: 0 }}>暂无退回。</p>
                        ) : (
                          <FigureList
                            label="按牵头单位的退回次数"
                            items={s.returns.byUnit.map((u) => ({
                              key: u.unitId,
                              label: u.unitName,
                              value: `${u.count} 次`,
                              onOpen: () => setDrill({ kind: "query", title: `${u.unitName} 的任务`, filter: u.filter }),
                              openLabel: `${u.unitName} 退回 ${u.count} 次，查看任务`,
                            }))}
                          />
                        )}
                      </div>
                    </div>
                  </Card>
                </Col>
                <Col xs={24} xl={12}>
                  <Card title={<h2 className="section-title">办理结果分类</h2>} style={{ height: "100%" }}>
                    <div className="chart-pair">
                      <EChart
                        label={`办理结果分类柱状图：${s.resolutionClasses.map((c) => `${c.class}类 ${c.count} 项`).join("，")}`}
                        option={barOption(s.resolutionClasses.map((c) => `${c.class}类`), s.resolutionClasses.map((c) => c.count), { name: "任务数" })}
                        onSelect={(i) => {
                          const c = s.resolutionClasses[i];
                          if (c && c.count > 0) setDrill({ kind: "ids", title: `${c.class}类（${c.label}）`, ids: c.taskIds, total: c.count, truncated: c.truncated });
                        }}
                      />
                      <FigureList
                        label="办理结果分类"
                        items={s.resolutionClasses.map((c) => ({
                          key: c.class,
                          label: c.label.startsWith(c.class) ? c.label : `${c.class} ${c.label}`,
                          value: `${c.count} 项`,
                          onOpen: c.count > 0 ? () => setDrill({ kind: "ids", title: `${c.class}类（${c.label}）`, ids: c.taskIds, total: c.count, truncated: c.truncated }) : undefined,
                          openLabel: `${c.class}类 ${c.count} 项，查看任务`,
                        }))}
                      />
                    </div>
                  </Card>
                </Col>
                <Col xs={24} xl={12}>
                  <Card title={<h2 className="section-title">满意度测评</h2>} style={{ height: "100%" }}>
                    <div className="chart-pair">
                      {s.evaluation.some((e) => e.votes > 0) ? (
                        <EChart
                          label={`满意度测评饼图：${s.evaluation.map((e) => `${e.label} ${e.votes} 票`).join("，")}`}
                          option={pieOption(s.evaluation.map((e) => ({ name: e.label, value: e.votes })), "测评票数")}
                        />
                      ) : (
                        <p style={{ margin: 0 }}>暂无测评票。</p>
                      )}
                      <FigureList label="满意度测评票数" items={s.evaluation.map((e) => ({ key: e.rating, label: e.label, value: `${e.votes} 票` }))} />
                    </div>
                  </Card>
                </Col>
              </Row>

              <Card title={<h2 className="section-title">各阶段平均用时</h2>} style={{ marginBottom: 16 }}>
                <dl className="stage-counts" style={{ marginTop: 0 }}>
                  {s.avgDaysPerStage.map((a) => (
                    <div key={a.stage}>
                      <dt>{a.label}</dt>
                      <dd>
                        {a.days === null ? "暂无" : `${a.days} 天`}
                        <span style={{ fontSize: 12, fontWeight: 400, color: "rgba(0,0,0,0.7)", marginInlineStart: 4 }}>（{a.samples} 个样本）</span>
                      </dd>
                    </div>
                  ))}
                </dl>
              </Card>

              <Card title={<h2 className="section-title">单位排名</h2>} style={{ marginBottom: 16 }}>
                <p style={{ marginTop: 0, color: "rgba(0,0,0,0.7)" }}>按逾期、缺报、退回从少到多，按时率从高到低排列；点击单位名称或逾期数查看任务。</p>
                <ScrollTable<UnitRank>
                  label="单位排名表"
                  minWidth={isOffice ? 960 : 840}
                  rowKey="unitId"
                  size="small"
                  columns={unitColumns}
                  dataSource={s.units}
                  pagination={s.units.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
                  locale={{ emptyText: "暂无牵头单位" }}
                />
              </Card>
            </>
          )}
        </>
      )}

      <TaskDrawer drill={drill} onClose={() => setDrill(null)} />

      <Modal
        open={bulletinOpen}
        title="生成季度通报"
        okText="生成并下载"
        cancelText="取消"
        confirmLoading={bulletin.isPending}
        okButtonProps={{ disabled: quarter === null }}
        onCancel={() => setBulletinOpen(false)}
        onOk={() => planId && quarter && bulletin.mutate({ planId, quarter: quarterOf(quarter) })}
      >
        <Form layout="vertical">
          <Form.Item label="季度" htmlFor="bulletin-quarter" extra="通报统计所选季度内的完成、退回情况，并附单位排名表（Word 文档）。">
            <DatePicker id="bulletin-quarter" picker="quarter" value={quarter} onChange={setQuarter} allowClear={false} style={{ width: "100%" }} />
          </Form.Item>
        </Form>
      </Modal>

      <Modal
        open={urgeUnit !== null}
        title="一键催办逾期任务"
        okText="确认催办"
        cancelText="取消"
        confirmLoading={urge.isPending}
        onCancel={() => setUrgeUnit(null)}
        onOk={() => {
          if (urgeUnit === null) return;
          const text = urgeForm.getFieldValue("text") as string | undefined;
          urge.mutate({ unitId: urgeUnit.unitId, ...(text?.trim() ? { text: text.trim() } : {}) });
        }}
      >
        {urgeUnit && (
          <Space direction="vertical" style={{ width: "100%" }}>
            <p style={{ margin: 0 }}>
              将对 <strong>{urgeUnit.unitName}</strong> 牵头的 <strong>{urgeUnit.overdue}</strong> 项逾期任务逐项催办，并记入审计日志。
            </p>
            <Form form={urgeForm} layout="vertical">
              <Form.Item name="text" label="催办内容（可选）">
                <Input.TextArea rows={3} maxLength={2000} showCount placeholder="不填写则使用默认催办内容" />
              </Form.Item>
            </Form>
          </Space>
        )}
      </Modal>
    </>
  );
}
