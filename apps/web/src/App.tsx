import { QueryClientProvider } from "@tanstack/react-query";
import { App as AntApp, ConfigProvider } from "antd";
import zhCN from "antd/locale/zh_CN";
import dayjs from "dayjs";
import "dayjs/locale/zh-cn";
import { lazy, Suspense } from "react";
import { BrowserRouter, Navigate, Route, Routes } from "react-router";
import { AppLayout } from "./layout/AppLayout";
import { RequireAuth } from "./layout/RequireAuth";
import { AdminUnitsPage } from "./pages/admin/units";
import { AccountSecurityPage, TotpSetupPage } from "./pages/account/security";
import { AdminSecurityPage } from "./pages/admin/security";
import { AdminUsersPage } from "./pages/admin/users";
import { AuditListPage } from "./pages/audit/list";
import { HomePage } from "./pages/home/list";
import { InboxPage } from "./pages/inbox/list";
import { ChangePasswordPage } from "./pages/login/change-password";
import { LoginPage } from "./pages/login/login";
import { NotFoundPage } from "./pages/not-found";
import { NoticeListPage } from "./pages/notices/list";
import { NoticePrintPage } from "./pages/notices/print";
import { PlanImportPage } from "./pages/plans/import";
import { PlanListPage } from "./pages/plans/list";
import { PlanShowPage } from "./pages/plans/show";
import { MissingReportsPage } from "./pages/reports/missing";
import { TaskShowPage } from "./pages/tasks/show";
import { queryClient, TRPCProvider, trpcClient } from "./trpc";

dayjs.locale("zh-cn");

// The dashboard carries ECharts: loaded on first visit, not with every page.
const DashboardPage = lazy(() => import("./pages/dashboard/overview").then((m) => ({ default: m.DashboardPage })));
const pageFallback = <p role="status">正在加载…</p>;

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
                    <Route path="plans/:planId" element={<PlanShowPage />} />
                    <Route path="tasks/:taskId" element={<TaskShowPage />} />
                    <Route path="dashboard" element={<Suspense fallback={pageFallback}><DashboardPage /></Suspense>} />
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
            </BrowserRouter>
          </TRPCProvider>
        </QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  );
}
