import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Card, Form, Input, Space } from "antd";
import { useState } from "react";
import { Navigate, useNavigate } from "react-router";
import { useMeQuery } from "../../auth";
import { applyFieldErrors, errorInfo } from "../../lib/errors";
import { useTRPC } from "../../trpc";
import { AuthShell } from "./components/AuthShell";

interface Values {
  currentPassword: string;
  newPassword: string;
  confirm: string;
}

export function ChangePasswordPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const me = useMeQuery();
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<string | null>(null);
  const change = useMutation(
    trpc.auth.changePassword.mutationOptions({
      onSuccess: (user) => {
        queryClient.setQueryData(trpc.auth.me.queryKey(), user);
        message.success("密码已修改");
        void navigate("/", { replace: true });
      },
      onError: (e) => {
        setError(errorInfo(e).message);
        applyFieldErrors(form, e);
      },
    }),
  );
  const logout = useMutation(
    trpc.auth.logout.mutationOptions({
      onSettled: () => {
        queryClient.removeQueries();
        queryClient.setQueryData(trpc.auth.me.queryKey(), null);
        void navigate("/login", { replace: true });
      },
    }),
  );

  if (me.isPending) return null;
  if (!me.data) return <Navigate to="/login" replace />;
  const forced = me.data.mustChangePassword;

  return (
    <AuthShell title="督查督办系统" subtitle={`${me.data.displayName}，${forced ? "首次登录须先修改初始密码" : "修改登录密码"}`}>
      <Card variant="borderless" style={{ boxShadow: "0 2px 12px rgba(0,0,0,0.08)" }}>
        <h2 style={{ fontSize: 18, marginBottom: 16 }}>修改密码</h2>
        {forced && <Alert type="info" showIcon title="为保障账号安全，请设置新密码后再使用系统。" style={{ marginBottom: 16 }} />}
        {error !== null && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" />}
        <Form<Values>
          form={form}
          layout="vertical"
          onFinish={(v) => {
            setError(null);
            change.mutate({ currentPassword: v.currentPassword, newPassword: v.newPassword });
          }}
        >
          <Form.Item label="当前密码" name="currentPassword" rules={[{ required: true, message: "请输入当前密码" }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Form.Item
            label="新密码"
            name="newPassword"
            extra="至少 8 位，包含大小写字母、数字和符号中的至少三类"
            rules={[{ required: true, message: "请输入新密码" }]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Form.Item
            label="确认新密码"
            name="confirm"
            dependencies={["newPassword"]}
            rules={[
              { required: true, message: "请再次输入新密码" },
              ({ getFieldValue }) => ({
                validator: (_, value) => (value === getFieldValue("newPassword") ? Promise.resolve() : Promise.reject(new Error("两次输入的密码不一致"))),
              }),
            ]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Space style={{ width: "100%", justifyContent: "space-between" }} wrap>
            <Button type="primary" htmlType="submit" loading={change.isPending}>
              确认修改
            </Button>
            {forced ? (
              <Button onClick={() => logout.mutate()} loading={logout.isPending}>
                退出登录
              </Button>
            ) : (
              <Button onClick={() => void navigate(-1)}>返回</Button>
            )}
          </Space>
        </Form>
      </Card>
    </AuthShell>
  );
}
