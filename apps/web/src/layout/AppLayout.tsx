import {
  AuditOutlined,
  BellOutlined,
  CalendarOutlined,
  ApartmentOutlined,
  DashboardOutlined,
  DownOutlined,
  FileDoneOutlined,
  FileTextOutlined,
  FormOutlined,
  HomeOutlined,
  ImportOutlined,
  KeyOutlined,
  LogoutOutlined,
  SafetyOutlined,
  MenuOutlined,
  TeamOutlined,
} from "@ant-design/icons";
import { ROLE_LABELS } from "@duban/workflow/vocabulary";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { App, Badge, Button, Drawer, Dropdown, Grid, Layout, Menu, type MenuProps } from "antd";
import { Suspense, useEffect, useRef, useState, type ReactNode } from "react";
import { Link, Outlet, useLocation, useNavigate } from "react-router";
import { useMe, type Me } from "../auth";
import { PageLoading } from "../components/PageLoading";
import { errorInfo } from "../lib/errors";
import { useTRPC } from "../trpc";

const { Header, Sider, Content } = Layout;

type Capability = keyof Me["can"];

interface NavItem {
  path: string;
  label: string;
  icon: ReactNode;
  /** The capability (auth.me's `can`, from the server's one table) the page needs; none: every signed-in user. */
  needs?: Capability;
}

const NAV: NavItem[] = [
  { path: "/", label: "我的待办", icon: <HomeOutlined /> },
  { path: "/plans", label: "工作方案", icon: <FileTextOutlined />, needs: "readTasks" },
  { path: "/dashboard", label: "督办看板", icon: <DashboardOutlined />, needs: "supervise" },
  { path: "/notices", label: "督办单", icon: <FileDoneOutlined />, needs: "supervise" },
  { path: "/reports/missing", label: "月报缺报", icon: <CalendarOutlined />, needs: "supervise" },
  { path: "/inbox", label: "消息", icon: <BellOutlined /> },
  { path: "/plans/import", label: "导入方案", icon: <ImportOutlined />, needs: "managePlans" },
  { path: "/plans/new", label: "手工立项", icon: <FormOutlined />, needs: "managePlans" },
  { path: "/audit", label: "审计日志", icon: <AuditOutlined />, needs: "audit" },
  { path: "/admin/units", label: "单位管理", icon: <ApartmentOutlined />, needs: "manageUnits" },
  { path: "/admin/users", label: "用户管理", icon: <TeamOutlined />, needs: "manageUsers" },
  { path: "/admin/security", label: "安全策略", icon: <SafetyOutlined />, needs: "grantRoles" },
];

/** The menu key for the current path: the longest nav path it starts with. */
function selectedKey(pathname: string, items: NavItem[]): string {
  if (pathname.startsWith("/tasks/")) return "/plans";
  const match = items
    .filter((i) => (i.path === "/" ? pathname === "/" : pathname === i.path || pathname.startsWith(`${i.path}/`)))
    .sort((a, b) => b.path.length - a.path.length)[0];
  return match?.path ?? "";
}

export function AppLayout() {
  const me = useMe();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  const { message } = App.useApp();
  const screens = Grid.useBreakpoint();
  const isPhone = screens.md === false;
  const [drawerOpen, setDrawerOpen] = useState(false);
  const [collapsed, setCollapsed] = useState(false);
  const mainRef = useRef<HTMLElement>(null);
  const unread = useQuery({ ...trpc.inbox.unreadCount.queryOptions(), refetchInterval: 60_000 }).data?.unread ?? 0;

  // Roles with no to-do list (the 三员) get a 工作台 of their pages instead.
  const items = NAV.filter((i) => i.needs === undefined || me.can[i.needs]).map((i) => (i.path === "/" && !me.can.todo ? { ...i, label: "工作台" } : i));
  const menuItems: MenuProps["items"] = items.map((i) => ({
    key: i.path,
    icon: <span aria-hidden="true">{i.icon}</span>,
    label: <Link to={i.path}>{i.label}</Link>,
  }));

  useEffect(() => {
    setDrawerOpen(false);
  }, [location.pathname]);

  const logout = useMutation(
    trpc.auth.logout.mutationOptions({
      onSuccess: () => {
        queryClient.removeQueries();
        queryClient.setQueryData(trpc.auth.me.queryKey(), null);
        void navigate("/login", { replace: true });
      },
      onError: (e) => message.error(errorInfo(e).message),
    }),
  );

  const userMenu: MenuProps = {
    items: [
      { key: "security", icon: <SafetyOutlined />, label: "个人安全设置" },
      { key: "password", icon: <KeyOutlined />, label: "修改密码" },
      { type: "divider" },
      { key: "logout", icon: <LogoutOutlined />, label: "退出登录", danger: true },
    ],
    onClick: ({ key }) => {
      if (key === "logout") logout.mutate();
      if (key === "password") void navigate("/change-password");
      if (key === "security") void navigate("/account/security");
    },
  };

  const nav = (
    <nav aria-label="主导航">
      <Menu
        theme="dark"
        mode="inline"
        selectedKeys={[selectedKey(location.pathname, items)]}
        items={menuItems}
        style={{ borderInlineEnd: 0 }}
      />
    </nav>
  );

  const roleLabel = ROLE_LABELS[me.role];

  return (
    <Layout style={{ minHeight: "100vh" }}>
      <a className="skip-link" href="#main-content" onClick={(e) => { e.preventDefault(); mainRef.current?.focus(); }}>
        跳到主要内容
      </a>
      {!isPhone && (
        <Sider
          collapsible
          collapsed={collapsed}
          onCollapse={setCollapsed}
          breakpoint="lg"
          width={208}
          trigger={null}
          style={{ position: "sticky", top: 0, height: "100vh", overflow: "auto" }}
        >
          <div style={{ height: 56, display: "flex", alignItems: "center", justifyContent: "center", color: "#fff", fontWeight: 600, fontSize: collapsed ? 16 : 17, letterSpacing: 1 }}>
            {collapsed ? "督办" : "督查督办系统"}
          </div>
          {nav}
        </Sider>
      )}
      {isPhone && (
        <Drawer
          placement="left"
          open={drawerOpen}
          onClose={() => setDrawerOpen(false)}
          size={240}
          title="督查督办系统"
          styles={{ body: { padding: 0, background: "#001529" } }}
        >
          {nav}
        </Drawer>
      )}
      <Layout>
        <Header
          style={{
            background: "#fff",
            padding: isPhone ? "0 8px" : "0 24px",
            display: "flex",
            alignItems: "center",
            gap: 8,
            borderBottom: "1px solid #f0f0f0",
            position: "sticky",
            top: 0,
            zIndex: 10,
            height: 56,
            lineHeight: "56px",
          }}
        >
          {isPhone ? (
            <>
              <Button type="text" icon={<MenuOutlined />} aria-label="打开导航菜单" aria-expanded={drawerOpen} onClick={() => setDrawerOpen(true)} />
              <span style={{ fontWeight: 600, flex: "0 0 auto" }}>督查督办</span>
            </>
          ) : (
            <Button
              type="text"
              icon={<MenuOutlined />}
              aria-label={collapsed ? "展开侧边导航" : "收起侧边导航"}
              aria-expanded={!collapsed}
              onClick={() => setCollapsed((c) => !c)}
            />
          )}
          <div style={{ flex: 1 }} />
          <Link to="/inbox" style={{ display: "inline-flex", alignItems: "center", justifyContent: "center", width: 40, height: 40, lineHeight: 1 }} aria-label={unread > 0 ? `消息，${unread} 条未读` : "消息，没有未读"}>
            <Badge count={unread} overflowCount={99} size="small" color="#cf1322">
              <BellOutlined aria-hidden="true" style={{ fontSize: 18, color: "rgba(0,0,0,0.88)" }} />
            </Badge>
          </Link>
          <Dropdown menu={userMenu} trigger={["click"]} placement="bottomRight">
            <Button type="text" aria-label={`当前用户：${me.displayName}，${me.unitName ?? ""}${roleLabel}。打开用户菜单`} style={{ height: 48, maxWidth: isPhone ? 220 : 480 }}>
              <span style={{ display: "inline-flex", flexDirection: "column", alignItems: "flex-end", lineHeight: 1.3, overflow: "hidden" }}>
                <span style={{ fontWeight: 600 }}>{me.displayName}</span>
                <span style={{ fontSize: 12, color: "rgba(0,0,0,0.65)", whiteSpace: "nowrap", overflow: "hidden", textOverflow: "ellipsis", maxWidth: isPhone ? 180 : 440 }}>
                  {me.unitName && !isPhone ? `${me.unitName} · ` : ""}
                  {roleLabel}
                </span>
              </span>
              <DownOutlined aria-hidden="true" />
            </Button>
          </Dropdown>
        </Header>
        <Content
          id="main-content"
          ref={mainRef}
          tabIndex={-1}
          className="app-main"
          style={{ padding: isPhone ? 12 : 24, minWidth: 0 }}
        >
          {/* A page's chunk loads inside the shell: the menu and header stay while it arrives. */}
          <Suspense fallback={<PageLoading />}>
            <Outlet />
          </Suspense>
        </Content>
      </Layout>
    </Layout>
  );
}
