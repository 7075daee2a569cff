// 我的待办: what waits on the signed-in user, by role, with a count on every tab.
import { AuditOutlined, ApartmentOutlined, TeamOutlined } from "@ant-design/icons";
import { ROLE_LABELS, type StageOrTerminated } from "@duban/workflow/vocabulary";
import { Alert, Button, Card, Col, Grid, Radio, Row, Tabs } from "antd";
import { Link, useSearchParams } from "react-router";
import { useMe, type Me } from "../../auth";
import { PageHeader } from "../../components/PageHeader";
import { TaskTable } from "../../components/TaskTable";
import { type TaskListFilter, useTaskList } from "../../hooks/useTaskList";
import { errorInfo } from "../../lib/errors";

const ACTIVE: StageOrTerminated[] = ["deploy", "handle", "inspect", "summarize", "evaluate"];

interface TabDef {
  key: string;
  label: string;
  filter: TaskListFilter;
  hint: string;
  alert?: boolean;
}

function tabsFor(me: Me): TabDef[] {
  switch (me.role) {
    case "liaison":
      return [
        { key: "signing", label: "待签收", filter: { status: "signing", leadOnly: true, limit: 200 }, hint: "新交办给本单位、尚未签收的任务。" },
        { key: "drafting", label: "待提交", filter: { status: "drafting", limit: 200 }, hint: "本单位需要提交办理方案、办结报告或总结的任务。" },
        { key: "returned", label: "被退回", filter: { status: "returned", limit: 200 }, hint: "被领导小组办公室退回、需要修改后重新提交的任务。", alert: true },
        { key: "inspect", label: "整改事项", filter: { stage: ["inspect"], limit: 200 }, hint: "处于检查阶段的任务，请查看并落实整改事项。" },
        { key: "urged", label: "催办", filter: { urged: true, limit: 200 }, hint: "收到催办通知、需要尽快办理的任务。", alert: true },
        { key: "supervising", label: "督办的子任务", filter: { supervising: true, stage: ACTIVE, limit: 200 }, hint: "本单位分解给下级单位、由本单位审核督办的子任务。" },
      ];
    case "office":
      return [
        { key: "submitted", label: "待审核", filter: { status: "submitted", limit: 200 }, hint: "各单位已提交、等待审核的材料。" },
        { key: "extension", label: "延期申请", filter: { extensionRequested: true, limit: 200 }, hint: "等待审批的延期申请。" },
        { key: "overdue", label: "逾期", filter: { overdue: true, limit: 200 }, hint: "已超过完成时限仍未办结的任务。", alert: true },
        { key: "reassign", label: "改派申请", filter: { status: "reassign_requested", limit: 200 }, hint: "牵头单位申请改派的任务。" },
        { key: "evaluate", label: "待结束测评", filter: { stage: ["evaluate"], limit: 200 }, hint: "正在满意度测评、可结束测评的任务。" },
      ];
    case "evaluator":
      return [
        { key: "evaluate", label: "待测评", filter: { stage: ["evaluate"], ratedByMe: false, limit: 200 }, hint: "请对以下任务的办理结果进行满意度测评。", alert: true },
        { key: "rated", label: "已测评", filter: { stage: ["evaluate"], ratedByMe: true, limit: 200 }, hint: "您本轮已测评、测评尚未结束的任务；结束前可修改测评。" },
      ];
    case "leader":
      return [
        { key: "overdue", label: "逾期任务", filter: { overdue: true, limit: 200 }, hint: "已超过完成时限仍未办结的任务。", alert: true },
        { key: "active", label: "全部在办", filter: { stage: ACTIVE, limit: 100 }, hint: "所有正在办理中的任务。" },
      ];
    case "auditor":
    case "sysadmin":
    case "secadmin":
      return [];
  }
}

function TaskTab({ def }: { def: TabDef }) {
  const list = useTaskList(def.filter);
  const tasks = list.items;
  if (list.isError) return <Alert type="error" showIcon title="加载失败" description={errorInfo(list.error).message} />;
  return (
    <>
      <p style={{ margin: "0 0 12px", color: "rgba(0,0,0,0.65)" }}>{def.hint}</p>
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

function TabLabel({ def }: { def: TabDef }) {
  const list = useTaskList(def.filter);
  const count = list.items.length;
  const more = list.hasNextPage ? "+" : "";
  return (
    <span>
      {def.label}
      <span className={`tab-count${def.alert && count > 0 ? " alert" : ""}`}>
        {list.isPending ? "…" : `${count}${more}`}
        <span className="visually-hidden">项</span>
      </span>
    </span>
  );
}

function AdminHome({ me }: { me: Me }) {
  const cards =
    me.role === "auditor"
      ? [{ to: "/audit", icon: <AuditOutlined />, title: "审计日志", text: "查询全部操作记录，校验日志完整性，导出 CSV 或 Excel。" }]
      : me.role === "sysadmin"
        ? [
            { to: "/admin/units", icon: <ApartmentOutlined />, title: "单位管理", text: "维护承办单位、别名和单位分组。" },
            { to: "/admin/users", icon: <TeamOutlined />, title: "用户管理", text: "创建账号、解锁、停用、重置密码。" },
          ]
        : [{ to: "/admin/users", icon: <TeamOutlined />, title: "用户管理", text: "变更用户角色（权限变更）。" }];
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
  const tabs = tabsFor(me);
  const [params, setParams] = useSearchParams();
  const active = tabs.some((t) => t.key === params.get("tab")) ? (params.get("tab") as string) : tabs[0]?.key;
  const title = tabs.length > 0 ? "我的待办" : "工作台";
  const isPhone = Grid.useBreakpoint().md === false;
  const activeDef = tabs.find((t) => t.key === active);
  return (
    <>
      <PageHeader
        title={title}
        sub={<span style={{ color: "rgba(0,0,0,0.65)" }}>{hint(me)}</span>}
      />
      {tabs.length === 0 ? (
        <AdminHome me={me} />
      ) : (
        <Card>
          {isPhone ? (
            <>
              <Radio.Group
                aria-label="待办分类"
                optionType="button"
                value={active}
                onChange={(e) => setParams({ tab: String(e.target.value) }, { replace: true })}
                options={tabs.map((def) => ({ value: def.key, label: <TabLabel def={def} /> }))}
                style={{ display: "flex", flexWrap: "wrap", gap: 8, marginBottom: 16 }}
              />
              {activeDef && <TaskTab def={activeDef} />}
            </>
          ) : (
          <Tabs
            activeKey={active}
            onChange={(key) => setParams({ tab: key }, { replace: true })}
            items={tabs.map((def) => ({ key: def.key, label: <TabLabel def={def} />, children: <TaskTab def={def} /> }))}
          />
          )}
        </Card>
      )}
    </>
  );
}
