import { LockOutlined, SafetyOutlined, UserOutlined } from "@ant-design/icons";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Alert, Button, Card, Form, Input } from "antd";
import { useState } from "react";
import { Navigate, useNavigate, useSearchParams } from "react-router";
import { useMeQuery } from "../../auth";
import { applyFieldErrors, errorInfo } from "../../lib/errors";
import { useTRPC } from "../../trpc";
import { AuthShell } from "./components/AuthShell";

interface LoginValues {
  username: string;
  password: string;
  totp?: string;
}

function safeTarget(from: string | null): string {
  return from !== null && from.startsWith("/") && !from.startsWith("//") ? from : "/";
}

export function LoginPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [form] = Form.useForm<LoginValues>();
  const [error, setError] = useState<string | null>(null);
  // The server asked for the second factor (TOTP_REQUIRED) or refused the code (TOTP_INVALID).
  const [needTotp, setNeedTotp] = useState(false);
  const me = useMeQuery();
  const login = useMutation(
    trpc.auth.login.mutationOptions({
      onSuccess: (user) => {
        queryClient.removeQueries();
        queryClient.setQueryData(trpc.auth.me.queryKey(), user);
        void navigate(user.mustChangePassword ? "/change-password" : safeTarget(params.get("from")), { replace: true });
      },
      onError: (e) => {
        const info = errorInfo(e);
        setError(info.message);
        if (info.appCode === "TOTP_REQUIRED" || info.appCode === "TOTP_INVALID") {
          setNeedTotp(true);
          form.setFieldValue("totp", "");
          if (info.appCode === "TOTP_INVALID") applyFieldErrors(form, e);
          setTimeout(() => form.getFieldInstance("totp")?.focus?.(), 0);
          return;
        }
        applyFieldErrors(form, e);
      },
    }),
  );

  if (me.data && !login.isPending && !login.isSuccess) {
    return <Navigate to={me.data.mustChangePassword ? "/change-password" : safeTarget(params.get("from"))} replace />;
  }

  return (
    <AuthShell title="督查督办系统" subtitle="工作方案任务督查督办 · 请登录">
      <Card variant="borderless" style={{ boxShadow: "0 2px 12px rgba(0,0,0,0.08)" }}>
        <h2 style={{ fontSize: 18, marginBottom: 16 }}>用户登录</h2>
        {error !== null && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" />}
        <Form<LoginValues>
          form={form}
          layout="vertical"
          requiredMark={false}
          onFinish={(values) => {
            setError(null);
            const totp = values.totp?.trim();
            login.mutate({ username: values.username, password: values.password, ...(needTotp && totp ? { totp } : {}) });
          }}
          onValuesChange={() => setError(null)}
        >
          <Form.Item label="用户名" name="username" rules={[{ required: true, message: "请输入用户名" }]}>
            <Input prefix={<UserOutlined aria-hidden="true" />} autoComplete="username" size="large" autoFocus />
          </Form.Item>
          <Form.Item label="密码" name="password" rules={[{ required: true, message: "请输入密码" }]}>
            <Input.Password prefix={<LockOutlined aria-hidden="true" />} autoComplete="current-password" size="large" />
          </Form.Item>
          {needTotp && (
            <Form.Item
              label="动态验证码"
              name="totp"
              extra="请输入手机验证器上显示的 6 位数字"
              rules={[
                { required: true, message: "请输入动态验证码" },
                { pattern: /^\s*\d{6}\s*$/, message: "动态验证码为 6 位数字" },
              ]}
            >
              <Input prefix={<SafetyOutlined aria-hidden="true" />} inputMode="numeric" autoComplete="one-time-code" maxLength={6} size="large" />
            </Form.Item>
          )}
          <Button type="primary" htmlType="submit" block size="large" loading={login.isPending}>
            登录
          </Button>
        </Form>
      </Card>
    </AuthShell>
  );
}
