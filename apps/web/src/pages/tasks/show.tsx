// The task view: stage, status, content, everything submitted, and exactly the actions the server offers.
import { ScrollTable } from "../../components/ScrollTable";
import { ReloadOutlined } from "@ant-design/icons";
import {
  CONTRIBUTION_STATUS_LABELS,
  RATING_LABELS,
  RECTIFICATION_STATUS_LABELS,
  RESOLUTION_CLASS_LABELS,
  RETURN_REASON_LABELS,
  STAGE_LABELS,
  STAGES,
  SUBMISSION_LABELS,
  type AvailableAction,
} from "@duban/workflow/vocabulary";
import { useQuery } from "@tanstack/react-query";
import { Alert, App, Button, Card, Col, Descriptions, Empty, Result, Row, Skeleton, Steps, Table } from "antd";
import { useState } from "react";
import { Link, useParams } from "react-router";
import { PageHeader } from "../../components/PageHeader";
import { ListCard, ResponsiveTable, useIsPhone } from "../../components/ResponsiveTable";
import { Deadline } from "../../components/TaskTable";
import { MarkBadge, StageTag, StatusTag, ToneTag } from "../../components/tags";
import { errorInfo } from "../../lib/errors";
import { formatDateTime, taskNumber } from "../../lib/format";
import { useTRPC } from "../../trpc";
import { ActionModal, type TaskDetail } from "./components/ActionModal";
import { BlockedAction } from "./components/BlockedAction";
import { FileLinks } from "./components/FileUpload";
import { History } from "./components/History";
import { Parts } from "./components/Parts";
import { PartsRollupTags } from "../../components/PartsRollup";

const PRIMARY = new Set<AvailableAction["type"]>(["SIGN", "SUBMIT", "APPROVE", "RATE", "SUBMIT_CONTRIBUTION", "RECTIFY", "PASS_INSPECTION", "CLOSE_EVALUATION", "DECIDE_EXTENSION", "CLOSE_ITEM", "ACCEPT_CONTRIBUTION", "RECORD_INSPECTION"]);
const DANGER = new Set<AvailableAction["type"]>(["TERMINATE", "RETURN", "RETURN_CONTRIBUTION"]);

type Submission = TaskDetail["submissions"][number];
type Progress = TaskDetail["progressReports"][number];
type Item = TaskDetail["rectificationItems"][number];
type Rating = TaskDetail["ratings"][number];
type Extension = TaskDetail["extensionRequests"][number];
type Contribution = TaskDetail["contributions"][number];

/** The step indicator: antd Steps on a wide screen, one compact line of stages on a phone. */
function StageSteps({ detail }: { detail: TaskDetail }) {
  const isPhone = useIsPhone();
  const stage = detail.task.stage;
  let current: number;
  let status: "process" | "finish" | "error" = "process";
  if (stage === "terminated") {
    // the stage it was terminated in, as the server recorded it with the move
    const before = detail.terminatedFromStage;
    current = before === null || before === "terminated" ? 0 : Math.max(0, STAGES.indexOf(before));
    status = "error";
  } else {
    current = STAGES.indexOf(stage);
    if (stage === "done") status = "finish";
  }
  if (isPhone) {
    return (
      <ol className="stage-line" aria-label="办理阶段">
        {STAGES.map((s, i) => (
          <li key={s} className={i < current || status === "finish" ? "done" : i === current ? `current ${status}` : undefined} aria-current={i === current ? "step" : undefined}>
            {STAGE_LABELS[s]}
            {i === current && status === "error" && "（已终止）"}
            {i === current && status === "process" && detail.task.round > 1 && `（第 ${detail.task.round} 轮）`}
          </li>
        ))}
      </ol>
    );
  }
  return (
    <Steps
      current={current}
      status={status}
      size="small"
      responsive
      items={STAGES.map((s, i) => ({
        title: STAGE_LABELS[s],
        ...(i === current && status === "error" ? { content: "已终止" } : {}),
        ...(i === current && status === "process" && detail.task.round > 1 ? { content: `第 ${detail.task.round} 轮` } : {}),
      }))}
      aria-label="办理阶段"
    />
  );
}

function ContributionTag({ c }: { c: Contribution }) {
  return (
    <ToneTag tone={c.status === "accepted" ? "green" : c.status === "returned" ? "red" : c.status === "submitted" ? "purple" : "gray"}>
      {CONTRIBUTION_STATUS_LABELS[c.status]}
    </ToneTag>
  );
}

function Submitter({ unitName, userName }: { unitName: string | null; userName: string | null }) {
  return <span>{[unitName, userName].filter(Boolean).join(" · ")}</span>;
}

function Material({ s }: { s: Submission }) {
  return (
    <span>
      {s.stage in SUBMISSION_LABELS ? SUBMISSION_LABELS[s.stage as keyof typeof SUBMISSION_LABELS] : (STAGE_LABELS[s.stage as keyof typeof STAGE_LABELS] ?? s.stage)}
      {s.kind === "contribution" ? "（协办意见）" : ""}
      {s.round > 1 && <span style={{ display: "block", fontSize: 12 }}>第 {s.round} 轮</span>}
    </span>
  );
}

function SubmissionText({ s }: { s: Submission }) {
  return (
    <div>
      <div style={{ whiteSpace: "pre-wrap" }}>{s.text}</div>
      {s.resolutionClass && <div>办理结果分类：{RESOLUTION_CLASS_LABELS[s.resolutionClass as keyof typeof RESOLUTION_CLASS_LABELS] ?? s.resolutionClass}</div>}
      <FileLinks files={s.files} />
    </div>
  );
}

function targetText(t: unknown): string {
  if (t && typeof t === "object" && "text" in t && typeof (t as { text: unknown }).text === "string") return (t as { text: string }).text;
  return JSON.stringify(t);
}

function Section({ title, children, extra, id }: { title: string; children: React.ReactNode; extra?: React.ReactNode; id?: string }) {
  return (
    <Card id={id} title={<h2 className="card-title">{title}</h2>} extra={extra} style={{ marginBottom: 16, scrollMarginTop: 72 }}>
      {children}
    </Card>
  );
}

export function TaskShowPage() {
  const { taskId = "" } = useParams();
  const trpc = useTRPC();
  const { message } = App.useApp();
  const query = useQuery(trpc.task.get.queryOptions({ taskId }));
  const [open, setOpen] = useState<{ action: AvailableAction; n: number } | null>(null);

  if (query.isError) {
    const info = errorInfo(query.error);
    return (
      <Result
        status={info.code === "NOT_FOUND" ? "404" : "error"}
        title={<h1 className="page-title">无法打开任务</h1>}
        subTitle={info.message}
        extra={<Link to="/">返回我的待办</Link>}
      />
    );
  }
  if (query.isPending) {
    return (
      <>
        <PageHeader title="任务详情" />
        <Skeleton active paragraph={{ rows: 8 }} />
      </>
    );
  }
  const d = query.data;
  const t = d.task;
  // Keep an open modal bound to the freshest copy of its action (after a refetch).
  const openAction = open ? (d.availableActions.find((a) => a.type === open.action.type && !a.blocked) ?? open.action) : null;
  const enabled = d.availableActions.filter((a) => !a.blocked);
  const blocked = d.availableActions.filter((a) => a.blocked);
  const actionLabel = (a: AvailableAction) =>
    a.type === "SUBMIT" && t.stage in SUBMISSION_LABELS ? `提交${SUBMISSION_LABELS[t.stage as keyof typeof SUBMISSION_LABELS]}` : a.label;

  return (
    <>
      <PageHeader
        title={`任务 ${taskNumber(t.path)}`}
        crumbs={[{ title: "工作方案", to: "/plans" }, { title: query.data.planTitle ?? "方案", to: `/plans/${t.planId}` }, { title: `任务 ${taskNumber(t.path)}` }]}
        extra={
          <Button icon={<ReloadOutlined />} onClick={() => void query.refetch().then(() => message.info("已刷新"))} loading={query.isFetching}>
            刷新
          </Button>
        }
        sub={
          <span style={{ display: "inline-flex", flexWrap: "wrap", gap: 4, alignItems: "center" }}>
            <StageTag stage={t.stage} />
            <StatusTag status={t.status} />
            {t.round > 1 && <ToneTag tone="orange">第 {t.round} 轮</ToneTag>}
            {t.extensionRequested && <ToneTag tone="gold">延期申请待审批</ToneTag>}
            {t.openNotices > 0 && <ToneTag tone="red">催办 {t.openNotices} 次</ToneTag>}
            <MarkBadge mark={t.mark} />
            <PartsRollupTags parts={t.parts} />
          </span>
        }
      />

      {t.status === "returned" && d.lastReturn && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 16 }}
          title={`已被退回（${RETURN_REASON_LABELS[d.lastReturn.reason]}）${d.lastReturn.toStage ? `，退回至${STAGE_LABELS[d.lastReturn.toStage]}阶段` : ""}`}
          description={<span style={{ whiteSpace: "pre-wrap" }}>{d.lastReturn.text}</span>}
        />
      )}
      {t.stage === "terminated" && (
        <Alert type="warning" showIcon style={{ marginBottom: 16 }} title="此任务已终止" description={d.terminationReason ?? undefined} />
      )}

      <Row gutter={16}>
        <Col xs={24} xl={15}>
          <Section title="任务内容">
            <p style={{ whiteSpace: "pre-wrap", fontSize: 15, lineHeight: 1.8, marginTop: 0 }}>{t.text}</p>
            <dl className="task-facts">
              <div>
                <dt>完成时限</dt>
                <dd>
                  <Deadline task={t} />
                  <MarkBadge mark={t.mark} />
                </dd>
              </div>
              <div>
                <dt>牵头单位</dt>
                <dd>{t.leadUnit?.name ?? <span style={{ color: "#a8071a" }}>未指定</span>}</dd>
              </div>
              {t.coUnits.length > 0 && (
                <div>
                  <dt>责任单位</dt>
                  <dd>{t.coUnits.map((u) => u.name).join("、")}</dd>
                </div>
              )}
            </dl>
          </Section>

          <Section title="可执行的操作">
            {d.availableActions.length === 0 ? (
              <p style={{ margin: 0 }}>当前没有需要您处理的操作。</p>
            ) : (
              <div style={{ display: "flex", flexDirection: "column", gap: 12 }}>
                {enabled.length > 0 && (
                  <div style={{ display: "flex", flexWrap: "wrap", gap: 8 }}>
                    {enabled.map((a) => (
                      <Button
                        key={a.type}
                        type={PRIMARY.has(a.type) ? "primary" : "default"}
                        danger={DANGER.has(a.type)}
                        onClick={() => setOpen({ action: a, n: (open?.n ?? 0) + 1 })}
                      >
                        {actionLabel(a)}
                      </Button>
                    ))}
                  </div>
                )}
                {blocked.map((a) => (
                  <BlockedAction key={a.type} action={a} label={actionLabel(a)} detail={d} />
                ))}
              </div>
            )}
          </Section>

          <Section title="办理阶段">
            <StageSteps detail={d} />
          </Section>

          <Section title="任务信息">
            <Descriptions column={{ xs: 1, lg: 2 }} size="small" bordered styles={{ label: { whiteSpace: "nowrap", width: 96 } }}>
              <Descriptions.Item label="序号">{taskNumber(t.path)}</Descriptions.Item>
              {t.heading && <Descriptions.Item label="所属章节">{t.heading}</Descriptions.Item>}
              {t.targets.length > 0 && (
                <Descriptions.Item label="量化指标" span={2}>
                  {t.targets.map(targetText).join("；")}
                </Descriptions.Item>
              )}
              {t.parentId !== null && (
                <Descriptions.Item label="上级任务" span={2}>
                  {d.parent ? <Link to={`/tasks/${d.parent.id}`}>{`任务 ${taskNumber(d.parent.path)}：${d.parent.text.slice(0, 40)}`}</Link> : "由上级单位分解"}
                  {`（审核单位：${t.supervisorUnit?.name ?? "领导小组办公室"}）`}
                  {d.waived && `；已免除：${d.waived.reason}`}
                </Descriptions.Item>
              )}
              {d.resolutionClass && (
                <Descriptions.Item label="办理结果分类" span={2}>
                  {RESOLUTION_CLASS_LABELS[d.resolutionClass]}
                </Descriptions.Item>
              )}
            </Descriptions>
          </Section>

          <Parts detail={d} />

          {d.extensionRequest && (
            <Alert
              type="info"
              showIcon
              style={{ marginBottom: 16 }}
              title={`延期申请待审批：申请延期至 ${d.extensionRequest.requestedDueDate}`}
              description={`理由：${d.extensionRequest.reason}`}
            />
          )}

          <Section title={`提交材料（${d.submissions.length}）`}>
            {d.submissions.length === 0 ? (
              <Empty description="尚无提交材料" image={Empty.PRESENTED_IMAGE_SIMPLE} />
            ) : (
              <ResponsiveTable<Submission>
                label="提交材料"
                card={(m) => (
                  <ListCard
                    lead={<span className="nowrap">{formatDateTime(m.createdAt)}</span>}
                    title={<Material s={m} />}
                    fields={[{ label: "提交单位", value: <Submitter unitName={m.unitName} userName={m.userName} /> }]}
                    extra={<SubmissionText s={m} />}
                  />
                )}
                rowKey="id"
                size="small"
                pagination={false}
                dataSource={d.submissions}
                minWidth={600}
                columns={[
                  {
                    title: "材料",
                    key: "kind",
                    width: 130,
                    render: (_, s) => <Material s={s} />,
                  },
                  { title: "提交单位", key: "unit", width: 150, render: (_, s) => <Submitter unitName={s.unitName} userName={s.userName} /> },
                  {
                    title: "内容",
                    key: "text",
                    render: (_, s) => <SubmissionText s={s} />,
                  },
                  { title: "提交时间", key: "at", width: 140, render: (_, s) => <span className="nowrap">{formatDateTime(s.createdAt)}</span> },
                ]}
              />
            )}
          </Section>

          {d.contributions.length > 0 && (
            <Section title="协办意见" id="task-contributions">
              <ResponsiveTable<Contribution>
                label="协办意见"
                minWidth={360}
                card={(c) => (
                  <ListCard
                    title={c.unitName}
                    tags={<ContributionTag c={c} />}
                    fields={c.returnReason ? [{ label: "退回原因", value: RETURN_REASON_LABELS[c.returnReason as keyof typeof RETURN_REASON_LABELS] ?? String(c.returnReason) }] : []}
                  />
                )}
                rowKey="unitId"
                size="small"
                pagination={false}
                dataSource={d.contributions}
                columns={[
                  { title: "责任单位", dataIndex: "unitName" },
                  {
                    title: "状态",
                    key: "status",
                    width: 120,
                    render: (_, c) => <ContributionTag c={c} />,
                  },
                  { title: "退回原因", key: "reason", width: 140, render: (_, c) => (c.returnReason ? RETURN_REASON_LABELS[c.returnReason as keyof typeof RETURN_REASON_LABELS] ?? String(c.returnReason) : null) },
                ]}
              />
            </Section>
          )}

          {d.rectificationItems.length > 0 && (
            <Section title="整改事项" id="task-items">
              <ol style={{ paddingInlineStart: 20, margin: 0 }}>
                {d.rectificationItems.map((i: Item) => (
                  <li key={i.id} style={{ marginBottom: 12 }}>
                    <div style={{ display: "flex", gap: 8, flexWrap: "wrap", alignItems: "center" }}>
                      <ToneTag tone={i.status === "closed" ? "green" : i.status === "rectified" ? "blue" : "red"}>{RECTIFICATION_STATUS_LABELS[i.status]}</ToneTag>
                      <span>{i.description}</span>
                      {i.round > 1 && <span style={{ fontSize: 12 }}>（第 {i.round} 轮）</span>}
                    </div>
                    {i.rectificationText && (
                      <div style={{ marginTop: 4, paddingLeft: 12, borderLeft: "3px solid #d9d9d9", whiteSpace: "pre-wrap" }}>
                        整改情况：{i.rectificationText}
                        {i.rectifiedAt && <span style={{ color: "rgba(0,0,0,0.65)" }}>（{formatDateTime(i.rectifiedAt)}）</span>}
                      </div>
                    )}
                    {i.closedAt && <div style={{ fontSize: 13 }}>已于 {formatDateTime(i.closedAt)} 销号</div>}
                    <FileLinks files={i.files} />
                  </li>
                ))}
              </ol>
            </Section>
          )}

          {d.progressReports.length > 0 && (
            <Section title="进度报告">
              <ResponsiveTable<Progress>
                label="进度报告"
                card={(p) => (
                  <ListCard
                    lead={<span className="nowrap">{formatDateTime(p.createdAt)}</span>}
                    title={<Submitter unitName={p.unitName} userName={p.userName} />}
                    tags={p.percent === null ? undefined : <span>进度 {p.percent}%</span>}
                    extra={
                      <div>
                        <div style={{ whiteSpace: "pre-wrap" }}>{p.text}</div>
                        <FileLinks files={p.files} />
                      </div>
                    }
                  />
                )}
                rowKey="id"
                size="small"
                pagination={false}
                dataSource={d.progressReports}
                minWidth={640}
                columns={[
                  { title: "时间", key: "at", width: 140, render: (_, p) => formatDateTime(p.createdAt) },
                  { title: "报送单位", key: "unit", width: 150, render: (_, p) => <Submitter unitName={p.unitName} userName={p.userName} /> },
                  { title: "进度", key: "percent", width: 70, render: (_, p) => (p.percent === null ? null : `${p.percent}%`) },
                  {
                    title: "进度情况",
                    key: "text",
                    render: (_, p) => (
                      <div>
                        <div style={{ whiteSpace: "pre-wrap" }}>{p.text}</div>
                        <FileLinks files={p.files} />
                      </div>
                    ),
                  },
                ]}
              />
            </Section>
          )}

          {d.ratings.length > 0 && (
            <Section title="满意度测评">
              <Table<Rating>
                rowKey={(r) => `${r.round}-${r.evaluatorName}`}
                size="small"
                pagination={false}
                dataSource={d.ratings}
                columns={[
                  { title: "轮次", dataIndex: "round", width: 70, render: (n: number) => `第 ${n} 轮` },
                  { title: "测评人", dataIndex: "evaluatorName", width: 120 },
                  {
                    title: "结果",
                    key: "rating",
                    width: 110,
                    render: (_, r) => (
                      <ToneTag tone={r.rating === "unsatisfied" ? "red" : r.rating === "satisfied" ? "green" : "blue"}>
                        {RATING_LABELS[r.rating as keyof typeof RATING_LABELS] ?? r.rating}
                      </ToneTag>
                    ),
                  },
                  { title: "意见", dataIndex: "comment", render: (c: string | null) => c },
                  { title: "时间", key: "at", width: 140, render: (_, r) => formatDateTime(r.updatedAt) },
                ]}
              />
            </Section>
          )}

          {d.extensionRequests.length > 0 && (
            <Section title="延期申请">
              <ScrollTable<Extension>
 label="延期申请"
                rowKey="id"
                size="small"
                pagination={false}
                dataSource={d.extensionRequests}
                minWidth={640}
                columns={[
                  { title: "申请时间", key: "at", width: 140, render: (_, e) => formatDateTime(e.createdAt) },
                  { title: "原时限", key: "cur", width: 110, render: (_, e) => e.currentDueDate ?? "未设时限" },
                  { title: "申请延至", dataIndex: "requestedDueDate", width: 110 },
                  { title: "理由", dataIndex: "reason" },
                  {
                    title: "审批",
                    key: "status",
                    width: 160,
                    render: (_, e) => (
                      <span>
                        <ToneTag tone={e.status === "granted" ? "green" : e.status === "refused" ? "red" : "gold"}>
                          {e.status === "granted" ? "已同意" : e.status === "refused" ? "不同意" : e.status === "pending" ? "待审批" : e.status}
                        </ToneTag>
                        {e.decisionComment && <div style={{ fontSize: 12 }}>{e.decisionComment}</div>}
                      </span>
                    ),
                  },
                ]}
              />
            </Section>
          )}
        </Col>
        <Col xs={24} xl={9}>
          <Section title="办理记录">
            <History detail={d} />
          </Section>
        </Col>
      </Row>

      {open && openAction && (
        <ActionModal
          key={open.n}
          action={openAction}
          detail={d}
          open
          onClose={() => setOpen(null)}
          onConflict={() => void query.refetch()}
        />
      )}
    </>
  );
}
