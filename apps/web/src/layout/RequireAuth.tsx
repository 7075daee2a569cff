import { Result, Spin } from "antd";
import { Navigate, Outlet, useLocation } from "react-router";
import { MeContext, useMeQuery } from "../auth";
import { errorInfo } from "../lib/errors";

/** Signed in, with a password that need not be changed: otherwise to /login or /change-password. */
export function RequireAuth() {
  const me = useMeQuery();
  const location = useLocation();
  if (me.isPending) {
    return (
      <main style={{ padding: 48, textAlign: "center" }}>
        <h1 className="visually-hidden">督查督办系统</h1>
        <Spin tip="正在加载…" size="large">
          <div style={{ height: 80 }} />
        </Spin>
      </main>
    );
  }
  if (me.isError) {
    return (
      <main>
        <Result status="error" title={<h1 className="page-title">无法连接服务器</h1>} subTitle={errorInfo(me.error).message} />
      </main>
    );
  }
  if (me.data === null) {
    const from = location.pathname + location.search;
    return <Navigate to={from === "/" ? "/login" : `/login?from=${encodeURIComponent(from)}`} replace />;
  }
  if (me.data.mustChangePassword) return <Navigate to="/change-password" replace />;
  // The role requires a second factor the user has not enrolled: the server allows nothing but enrolment.
  if (me.data.totpSetupRequired) return <Navigate to="/totp-setup" replace />;
  return (
    <MeContext.Provider value={me.data}>
      <Outlet />
    </MeContext.Provider>
  );
}
