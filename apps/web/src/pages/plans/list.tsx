import { FormOutlined, ImportOutlined } from "@ant-design/icons";
import { useQuery } from "@tanstack/react-query";
import { Alert, Button, Card } from "antd";
import { Link, useNavigate } from "react-router";
import { useMe } from "../../auth";
import { PageHeader } from "../../components/PageHeader";
import { ListCard, ResponsiveTable } from "../../components/ResponsiveTable";
import { errorInfo } from "../../lib/errors";
import { formatDate } from "../../lib/format";
import { type RouterOutputs, useTRPC } from "../../trpc";
import { DoneProgress, StageCountsText } from "./components/StageCounts";

type Plan = RouterOutputs["plan"]["list"][number];

export function PlanListPage() {
  const trpc = useTRPC();
  const me = useMe();
  const navigate = useNavigate();
  const plans = useQuery(trpc.plan.list.queryOptions());
  return (
    <>
      <PageHeader
        title="工作方案"
        extra={
          me.can.managePlans && (
            <>
              <Button type="primary" icon={<ImportOutlined />} onClick={() => void navigate("/plans/import")}>
                导入方案
              </Button>
              <Button icon={<FormOutlined />} onClick={() => void navigate("/plans/new")}>
                手工立项
              </Button>
            </>
          )
        }
      />
      {plans.isError && <Alert type="error" showIcon title="加载失败" description={errorInfo(plans.error).message} style={{ marginBottom: 16 }} />}
      <Card>
        <ResponsiveTable<Plan>
          label="工作方案列表"
          rowKey="id"
          loading={plans.isPending}
          dataSource={plans.data ?? []}
          pagination={false}
          minWidth={960}
          card={(p) => (
            <ListCard
              title={<Link to={`/plans/${p.id}`}>{p.title}</Link>}
              tags={p.overdueCount > 0 ? <strong style={{ color: "#a8071a" }}>逾期 {p.overdueCount} 项</strong> : undefined}
              fields={[
                ...(p.docNumber ? [{ label: "文号", value: p.docNumber }] : []),
                ...(p.issuedOn ? [{ label: "印发日期", value: <span className="nowrap">{formatDate(p.issuedOn)}</span> }] : []),
                { label: "任务", value: `${p.taskCount} 项` },
                { label: "各阶段", value: <StageCountsText counts={p.stageCounts} /> },
                { label: "办结率", value: <DoneProgress counts={p.stageCounts} total={p.taskCount} /> },
              ]}
            />
          )}
          columns={[
            { title: "方案名称", key: "title", render: (_, p) => <Link to={`/plans/${p.id}`}>{p.title}</Link> },
            { title: "文号", dataIndex: "docNumber", width: 170, render: (v: string | null) => v ?? <span className="empty-text">无</span> },
            { title: "印发日期", dataIndex: "issuedOn", width: 110, render: (v: string | null) => (v ? <span className="nowrap">{formatDate(v)}</span> : <span className="empty-text">无</span>) },
            { title: "任务数", dataIndex: "taskCount", width: 80, align: "right" },
            { title: "各阶段任务", key: "stages", width: 220, render: (_, p) => <StageCountsText counts={p.stageCounts} /> },
            { title: "办结率", key: "done", width: 140, render: (_, p) => <DoneProgress counts={p.stageCounts} total={p.taskCount} /> },
            {
              title: "逾期",
              dataIndex: "overdueCount",
              width: 80,
              align: "right",
              render: (n: number) => (n > 0 ? <strong style={{ color: "#a8071a" }}>{n} 项</strong> : "0"),
            },
          ]}
        />
      </Card>
    </>
  );
}
