import { LockOutlined, UserOutlined } from "@ant-design/icons";
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
  const me = useMeQuery();
  const login = useMutation(
    trpc.auth.login.mutationOptions({
      onSuccess: (user) => {
        queryClient.removeQueries();
        queryClient.setQueryData(trpc.auth.me.queryKey(), user);
        void navigate(user.mustChangePassword ? "/change-password" : safeTarget(params.get("from")), { replace: true });
      },
      onError: (e) => {
        setError(errorInfo(e).message);
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
            login.mutate(values);
          }}
          onValuesChange={() => setError(null)}
        >
          <Form.Item label="用户名" name="username" rules={[{ required: true, message: "请输入用户名" }]}>
            <Input prefix={<UserOutlined aria-hidden="true" />} autoComplete="username" size="large" autoFocus />
          </Form.Item>
          <Form.Item label="密码" name="password" rules={[{ required: true, message: "请输入密码" }]}>
            <Input.Password prefix={<LockOutlined aria-hidden="true" />} autoComplete="current-password" size="large" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block size="large" loading={login.isPending}>
            登录
          </Button>
        </Form>
      </Card>
    </AuthShell>
  );
}
