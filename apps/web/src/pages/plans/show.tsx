// The plan view: the document's data, its phases, progress figures, and the tasks by section.
import { STAGE_LABELS, STAGES, type StageOrTerminated } from "@duban/workflow/vocabulary";
import { useQuery } from "@tanstack/react-query";
import { Alert, Button, Card, Checkbox, Col, Descriptions, Form, Input, Result, Row, Select, Skeleton, Statistic } from "antd";
import { useState } from "react";
import { Link, useParams } from "react-router";
import { PageHeader } from "../../components/PageHeader";
import { ListCard, ResponsiveTable } from "../../components/ResponsiveTable";
import { StageTag } from "../../components/tags";
import { TaskTable } from "../../components/TaskTable";
import { useMe } from "../../auth";
import { type TaskListFilter, useTaskList } from "../../hooks/useTaskList";
import { useUnits } from "../../hooks/useUnits";
import { errorInfo } from "../../lib/errors";
import { formatDate, formatMonth } from "../../lib/format";
import { type RouterOutputs, useTRPC } from "../../trpc";
import { PLAN_SOURCE_LABELS } from "./components/source";
import { donePercent } from "./components/StageCounts";


type PlanDetail = RouterOutputs["plan"]["get"];
type Phase = PlanDetail["phases"][number];

const ALL_STAGES: StageOrTerminated[] = [...STAGES, "terminated"];

interface Filters {
  stage: StageOrTerminated[];
  unitId?: string;
  overdue: boolean;
  text: string;
}

function Figures({ plan }: { plan: PlanDetail }) {
  const counts = plan.stageCounts;
  const percent = donePercent(counts, plan.taskCount);
  return (
    <Card title={<h2 className="card-title">办理进度</h2>} style={{ marginBottom: 16 }}>
      <Row gutter={[16, 16]}>
        <Col xs={12} sm={8} md={4}>
          <Statistic title="任务总数" value={plan.taskCount} suffix="项" />
        </Col>
        <Col xs={12} sm={8} md={4}>
          <Statistic title="办结率" value={percent} suffix="%" />
        </Col>
        <Col xs={12} sm={8} md={4}>
          <Statistic title="逾期" value={plan.overdueCount} suffix="项" styles={{ content: { color: plan.overdueCount > 0 ? "#a8071a" : undefined } }} />
        </Col>
      </Row>
      <dl className="stage-counts">
        {ALL_STAGES.map((s) => (
          <div key={s}>
            <dt>{STAGE_LABELS[s]}</dt>
            <dd>{counts?.[s] ?? 0}</dd>
          </div>
        ))}
      </dl>
    </Card>
  );
}

/** "2021年4月 至 2021年6月", each month kept on one line. */
function PhaseWhen({ phase }: { phase: Phase }) {
  const months = [formatMonth(phase.start), formatMonth(phase.end)].filter(Boolean);
  if (months.length === 0) return null;
  return (
    <span>
      {months.map((m, i) => (
        <span key={m}>
          {i > 0 && " 至 "}
          <span className="nowrap">{m}</span>
        </span>
      ))}
    </span>
  );
}

function Duties({ phase }: { phase: Phase }) {
  if (phase.duties.length === 0) return null;
  return (
    <ul style={{ margin: 0, paddingInlineStart: 18 }}>
      {phase.duties.map((d, i) => (
        <li key={i}>{d}</li>
      ))}
    </ul>
  );
}

function Phases({ phases }: { phases: Phase[] }) {
  if (phases.length === 0) return null;
  return (
    <Card title={<h2 className="card-title">进度安排</h2>} style={{ marginBottom: 16 }}>
      <ResponsiveTable<Phase>
        label="进度安排"
        card={(p) => (
          <ListCard
            title={p.name}
            tags={p.stage ? <StageTag stage={p.stage} /> : undefined}
            fields={[
              ...(p.start || p.end ? [{ label: "时间", value: <PhaseWhen phase={p} /> }] : []),
              ...(p.duties.length > 0 ? [{ label: "主要工作", value: <Duties phase={p} /> }] : []),
            ]}
          />
        )}
        rowKey="name"
        size="small"
        pagination={false}
        dataSource={phases}
        minWidth={640}
        columns={[
          { title: "阶段", dataIndex: "name", width: 200 },
          {
            title: "时间",
            key: "when",
            width: 180,
            render: (_, p) => <PhaseWhen phase={p} />,
          },
          { title: "对应环节", key: "stage", width: 110, render: (_, p) => (p.stage ? <StageTag stage={p.stage} /> : null) },
          { title: "主要工作", key: "duties", render: (_, p) => <Duties phase={p} /> },
        ]}
      />
    </Card>
  );
}

export function PlanShowPage() {
  const { planId = "" } = useParams();
  const trpc = useTRPC();
  const plan = useQuery(trpc.plan.get.queryOptions({ planId }));
  const units = useUnits();
  const [form] = Form.useForm<Filters>();
  const [filters, setFilters] = useState<Filters>({ stage: [], overdue: false, text: "" });
  const me = useMe();
  const listFilter: TaskListFilter = {
    planId,
    limit: 500,
    // 分解: the plan's own tasks, each with its parts' roll-up (drill down on the task page); a
    // liaison sees the parts its unit holds, whose parents it may not read.
    ...(me.can.readAllTasks && !filters.unitId && filters.stage.length === 0 && !filters.overdue && !filters.text.trim() ? { topLevel: true } : {}),
    ...(filters.stage.length > 0 ? { stage: filters.stage } : {}),
    ...(filters.unitId ? { unitId: filters.unitId } : {}),
    ...(filters.overdue ? { overdue: true } : {}),
    ...(filters.text.trim() ? { text: filters.text.trim() } : {}),
  };
  const tasks = useTaskList(listFilter);

  if (plan.isError) {
    const info = errorInfo(plan.error);
    return <Result status={info.code === "NOT_FOUND" ? "404" : "error"} title={<h1 className="page-title">无法打开工作方案</h1>} subTitle={info.message} extra={<Link to="/plans">返回方案列表</Link>} />;
  }
  if (plan.isPending) {
    return (
      <>
        <PageHeader title="工作方案" crumbs={[{ title: "工作方案", to: "/plans" }, { title: "加载中" }]} />
        <Skeleton active />
      </>
    );
  }
  const p = plan.data;
  const filtered = listFilter.stage !== undefined || listFilter.unitId !== undefined || listFilter.overdue !== undefined || listFilter.text !== undefined;

  return (
    <>
      <PageHeader title={p.title} crumbs={[{ title: "工作方案", to: "/plans" }, { title: p.docNumber ?? p.title }]} />
      <Card title={<h2 className="card-title">文件信息</h2>} style={{ marginBottom: 16 }}>
        <Descriptions column={{ xs: 1, sm: 2, lg: 3 }} size="small">
          <Descriptions.Item label="立项来源">{`${PLAN_SOURCE_LABELS[p.sourceKind]}${p.sourceRef ? `：${p.sourceRef}` : ""}`}</Descriptions.Item>
          <Descriptions.Item label="文号">{p.docNumber ?? "无"}</Descriptions.Item>
          <Descriptions.Item label="发文单位">{p.issuer ?? "无"}</Descriptions.Item>
          <Descriptions.Item label="印发日期">{formatDate(p.issuedOn)}</Descriptions.Item>
        </Descriptions>
      </Card>
      <Figures plan={p} />
      <Phases phases={p.phases} />
      <Card title={<h2 className="card-title">工作任务</h2>}>
        <Form<Filters>
          form={form}
          layout="inline"
          initialValues={filters}
          onFinish={(v) => setFilters({ stage: v.stage ?? [], overdue: Boolean(v.overdue), text: v.text ?? "", ...(v.unitId ? { unitId: v.unitId } : {}) })}
          style={{ marginBottom: 16, rowGap: 8 }}
          aria-label="筛选任务"
        >
          <Form.Item label="阶段" name="stage" style={{ minWidth: 220 }}>
            <Select mode="multiple" allowClear placeholder="全部阶段" options={ALL_STAGES.map((s) => ({ value: s, label: STAGE_LABELS[s] }))} style={{ minWidth: 180 }} />
          </Form.Item>
          <Form.Item label="单位" name="unitId">
            <Select allowClear showSearch={{ optionFilterProp: "label" }} placeholder="全部单位" options={units.options} style={{ width: 220 }} />
          </Form.Item>
          <Form.Item name="overdue" valuePropName="checked">
            <Checkbox>只看逾期</Checkbox>
          </Form.Item>
          <Form.Item label="关键词" name="text">
            <Input allowClear placeholder="任务内容" style={{ width: 180 }} />
          </Form.Item>
          <Form.Item>
            <Button type="primary" htmlType="submit">
              查询
            </Button>
          </Form.Item>
          <Form.Item>
            <Button
              onClick={() => {
                form.resetFields();
                form.setFieldsValue({ stage: [], overdue: false, text: "", unitId: undefined });
                setFilters({ stage: [], overdue: false, text: "" });
              }}
            >
              重置
            </Button>
          </Form.Item>
        </Form>
        {tasks.isError && <Alert type="error" showIcon title="任务加载失败" description={errorInfo(tasks.error).message} style={{ marginBottom: 16 }} />}
        <p style={{ margin: "0 0 8px", color: "rgba(0,0,0,0.65)" }} aria-live="polite">
          {tasks.isPending ? "正在加载任务…" : `${filtered ? "符合条件的" : "共"} ${tasks.items.length}${tasks.hasNextPage ? "+" : ""} 项任务`}
        </p>
        <TaskTable
          tasks={tasks.items}
          grouped
          loading={tasks.isPending}
          more={tasks.hasNextPage ? <Button onClick={() => void tasks.fetchNextPage()} loading={tasks.isFetchingNextPage}>加载更多</Button> : undefined}
        />
      </Card>
    </>
  );
}
