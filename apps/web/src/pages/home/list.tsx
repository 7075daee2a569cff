// 我的待办: what waits on the signed-in user. The server decides the tabs (from the lifecycle's
// permission table), counts them in the database and pages their rows (`task.todo`, `task.todoItems`).
import { AuditOutlined, ApartmentOutlined, TeamOutlined } from "@ant-design/icons";
import { ROLE_LABELS } from "@duban/workflow/vocabulary";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { Alert, Button, Card, Col, Grid, Radio, Row, Skeleton, Tabs } from "antd";
import { Link, useSearchParams } from "react-router";
import { useMe, type Me } from "../../auth";
import { PageHeader } from "../../components/PageHeader";
import { TaskTable } from "../../components/TaskTable";
import { errorInfo } from "../../lib/errors";
import { type RouterOutputs, useTRPC } from "../../trpc";

type TodoTab = RouterOutputs["task"]["todo"][number];

function TaskTab({ tab }: { tab: TodoTab }) {
  const trpc = useTRPC();
  const list = useInfiniteQuery(
    trpc.task.todoItems.infiniteQueryOptions({ tab: tab.key, limit: 50 }, { getNextPageParam: (last) => last.nextCursor ?? undefined }),
  );
  const tasks = list.data?.pages.flatMap((p) => p.items) ?? [];
  if (list.isError) return <Alert type="error" showIcon title="加载失败" description={errorInfo(list.error).message} />;
  return (
    <>
      <p style={{ margin: "0 0 12px", color: "rgba(0,0,0,0.65)" }}>{tab.hint}</p>
      <TaskTable
        tasks={tasks}
        loading={list.isPending}
        more={
          list.hasNextPage ? (
            <Button onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
              加载更多
            </Button>
          ) : undefined
        }
      />
    </>
  );
}

function TabLabel({ tab }: { tab: TodoTab }) {
  return (
    <span>
      {tab.label}
      <span className={`tab-count${tab.alert && tab.count > 0 ? " alert" : ""}`}>
        {tab.count}
        <span className="visually-hidden">项</span>
      </span>
    </span>
  );
}

function AdminHome({ me }: { me: Me }) {
  // The 三员's pages, from their capabilities (auth.me).
  const cards = [
    ...(me.can.audit ? [{ to: "/audit", icon: <AuditOutlined />, title: "审计日志", text: "查询全部操作记录，校验日志完整性，导出 CSV 或 Excel。" }] : []),
    ...(me.can.manageUnits ? [{ to: "/admin/units", icon: <ApartmentOutlined />, title: "单位管理", text: "维护承办单位、别名和单位分组。" }] : []),
    ...(me.can.manageUsers
      ? [{ to: "/admin/users", icon: <TeamOutlined />, title: "用户管理", text: me.can.editUsers ? "创建账号、解锁、停用、重置密码。" : "变更用户角色（权限变更）。" }]
      : []),
  ];
  return (
    <Row gutter={[16, 16]}>
      {cards.map((c) => (
        <Col xs={24} md={12} key={c.to}>
          <Card>
            <h2 style={{ fontSize: 16, display: "flex", gap: 8, alignItems: "center" }}>
              <span aria-hidden="true">{c.icon}</span>
              {c.title}
            </h2>
            <p>{c.text}</p>
            <Link to={c.to}>进入{c.title}</Link>
          </Card>
        </Col>
      ))}
    </Row>
  );
}

function hint(me: Me): string {
  switch (me.role) {
    case "liaison":
      return `${me.unitName ?? "本单位"}需要办理的任务`;
    case "office":
      return "等待领导小组办公室审核、审批和处理的事项";
    case "evaluator":
      return "等待您测评的任务";
    case "leader":
      return "逾期和在办任务总览";
    default:
      return `${ROLE_LABELS[me.role]}工作台`;
  }
}

export function HomePage() {
  const me = useMe();
  const trpc = useTRPC();
  const todo = useQuery({ ...trpc.task.todo.queryOptions(), enabled: me.can.todo });
  const tabs = todo.data ?? [];
  const [params, setParams] = useSearchParams();
  const active = tabs.some((t) => t.key === params.get("tab")) ? (params.get("tab") as string) : tabs[0]?.key;
  const title = me.can.todo ? "我的待办" : "工作台";
  const isPhone = Grid.useBreakpoint().md === false;
  const activeTab = tabs.find((t) => t.key === active);
  return (
    <>
      <PageHeader
        title={title}
        sub={<span style={{ color: "rgba(0,0,0,0.65)" }}>{hint(me)}</span>}
      />
      {!me.can.todo ? (
        <AdminHome me={me} />
      ) : todo.isError ? (
        <Alert type="error" showIcon title="加载失败" description={errorInfo(todo.error).message} />
      ) : todo.isPending ? (
        <Card>
          <Skeleton active paragraph={{ rows: 6 }} />
        </Card>
      ) : (
        <Card>
          {isPhone ? (
            <>
              <Radio.Group
                aria-label="待办分类"
                optionType="button"
                value={active}
                onChange={(e) => setParams({ tab: String(e.target.value) }, { replace: true })}
                options={tabs.map((tab) => ({ value: tab.key, label: <TabLabel tab={tab} /> }))}
                style={{ display: "flex", flexWrap: "wrap", gap: 8, marginBottom: 16 }}
              />
              {activeTab && <TaskTab tab={activeTab} />}
            </>
          ) : (
          <Tabs
            activeKey={active}
            onChange={(key) => setParams({ tab: key }, { replace: true })}
            items={tabs.map((tab) => ({ key: tab.key, label: <TabLabel tab={tab} />, children: <TaskTab tab={tab} /> }))}
          />
          )}
        </Card>
      )}
    </>
  );
}
