import { QueryClientProvider } from "@tanstack/react-query";
import { App as AntApp, ConfigProvider } from "antd";
import zhCN from "antd/locale/zh_CN";
import dayjs from "dayjs";
import "dayjs/locale/zh-cn";
import { lazy, Suspense } from "react";
import { BrowserRouter, Navigate, Route, Routes } from "react-router";
import { PageLoading } from "./components/PageLoading";
import { RequireAuth } from "./layout/RequireAuth";
import { queryClient, TRPCProvider, trpcClient } from "./trpc";

dayjs.locale("zh-cn");

// Every page is its own chunk: the login page and 我的待办 download neither the dashboard's charts
// nor the admin, audit or import pages.
const AdminUnitsPage = lazy(() => import("./pages/admin/units").then((m) => ({ default: m.AdminUnitsPage })));
const AccountSecurityPage = lazy(() => import("./pages/account/security").then((m) => ({ default: m.AccountSecurityPage })));
const TotpSetupPage = lazy(() => import("./pages/account/security").then((m) => ({ default: m.TotpSetupPage })));
const AdminSecurityPage = lazy(() => import("./pages/admin/security").then((m) => ({ default: m.AdminSecurityPage })));
const AdminUsersPage = lazy(() => import("./pages/admin/users").then((m) => ({ default: m.AdminUsersPage })));
const AuditListPage = lazy(() => import("./pages/audit/list").then((m) => ({ default: m.AuditListPage })));
const HomePage = lazy(() => import("./pages/home/list").then((m) => ({ default: m.HomePage })));
const InboxPage = lazy(() => import("./pages/inbox/list").then((m) => ({ default: m.InboxPage })));
const ChangePasswordPage = lazy(() => import("./pages/login/change-password").then((m) => ({ default: m.ChangePasswordPage })));
const LoginPage = lazy(() => import("./pages/login/login").then((m) => ({ default: m.LoginPage })));
const NotFoundPage = lazy(() => import("./pages/not-found").then((m) => ({ default: m.NotFoundPage })));
const NoticeListPage = lazy(() => import("./pages/notices/list").then((m) => ({ default: m.NoticeListPage })));
const NoticePrintPage = lazy(() => import("./pages/notices/print").then((m) => ({ default: m.NoticePrintPage })));
const PlanImportPage = lazy(() => import("./pages/plans/import").then((m) => ({ default: m.PlanImportPage })));
const PlanNewPage = lazy(() => import("./pages/plans/new").then((m) => ({ default: m.PlanNewPage })));
const PlanListPage = lazy(() => import("./pages/plans/list").then((m) => ({ default: m.PlanListPage })));
const PlanShowPage = lazy(() => import("./pages/plans/show").then((m) => ({ default: m.PlanShowPage })));
const MissingReportsPage = lazy(() => import("./pages/reports/missing").then((m) => ({ default: m.MissingReportsPage })));
const TaskShowPage = lazy(() => import("./pages/tasks/show").then((m) => ({ default: m.TaskShowPage })));
const DashboardPage = lazy(() => import("./pages/dashboard/overview").then((m) => ({ default: m.DashboardPage })));
const AppLayout = lazy(() => import("./layout/AppLayout").then((m) => ({ default: m.AppLayout })));

const theme = {
  token: {
    // Darker than antd's default blue so links and primary buttons reach 4.5:1 on white.
    colorPrimary: "#0958d9",
    colorLink: "#0958d9",
    colorTextTertiary: "rgba(0, 0, 0, 0.62)",
    colorTextDescription: "rgba(0, 0, 0, 0.62)",
    colorTextPlaceholder: "rgba(0, 0, 0, 0.56)",
    colorError: "#cf1322",
    fontFamily: '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Noto Sans SC", sans-serif',
  },
};

export function Root() {
  return (
    <ConfigProvider locale={zhCN} theme={theme} button={{ autoInsertSpace: false }}>
      <AntApp>
        <QueryClientProvider client={queryClient}>
          <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
            <BrowserRouter>
              <Suspense fallback={<PageLoading />}>
              <Routes>
                <Route path="/login" element={<LoginPage />} />
                <Route path="/change-password" element={<ChangePasswordPage />} />
                <Route path="/totp-setup" element={<TotpSetupPage />} />
                <Route element={<RequireAuth />}>
                  <Route path="notices/:noticeId/print" element={<NoticePrintPage />} />
                  <Route element={<AppLayout />}>
                    <Route index element={<HomePage />} />
                    <Route path="plans" element={<PlanListPage />} />
                    <Route path="plans/import" element={<PlanImportPage />} />
                    <Route path="plans/new" element={<PlanNewPage />} />
                    <Route path="plans/:planId" element={<PlanShowPage />} />
                    <Route path="tasks/:taskId" element={<TaskShowPage />} />
                    <Route path="dashboard" element={<DashboardPage />} />
                    <Route path="notices" element={<NoticeListPage />} />
                    <Route path="reports/missing" element={<MissingReportsPage />} />
                    <Route path="inbox" element={<InboxPage />} />
                    <Route path="audit" element={<AuditListPage />} />
                    <Route path="admin" element={<Navigate to="/admin/users" replace />} />
                    <Route path="admin/units" element={<AdminUnitsPage />} />
                    <Route path="admin/users" element={<AdminUsersPage />} />
                    <Route path="admin/security" element={<AdminSecurityPage />} />
                    <Route path="account/security" element={<AccountSecurityPage />} />
                    <Route path="*" element={<NotFoundPage />} />
                  </Route>
                </Route>
              </Routes>
              </Suspense>
            </BrowserRouter>
          </TRPCProvider>
        </QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  );
}
