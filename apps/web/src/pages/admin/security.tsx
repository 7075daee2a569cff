// 安全策略 (security administrator): which roles must use a second factor, and resetting a user's
// authenticator when it is lost.
import { UndoOutlined } from "@ant-design/icons";
import { ROLE_LABELS, type Role } from "@duban/workflow/vocabulary";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Card, Popconfirm, Result, Switch } from "antd";
import { useMe } from "../../auth";
import { PageHeader } from "../../components/PageHeader";
import { ScrollTable } from "../../components/ScrollTable";
import { ToneTag } from "../../components/tags";
import { UserTable } from "./components/UserTable";
import { errorInfo } from "../../lib/errors";
import { type RouterOutputs, useTRPC } from "../../trpc";

type Policy = RouterOutputs["security"]["totpPolicy"][number];

export function AdminSecurityPage() {
  const me = useMe();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const allowed = me.can.grantRoles;
  const policy = useQuery({ ...trpc.security.totpPolicy.queryOptions(), enabled: allowed });
  const users = useQuery({ ...trpc.user.list.queryOptions(), enabled: allowed });
  const setRequired = useMutation(
    trpc.security.setTotpRequired.mutationOptions({
      onSuccess: (r) => {
        message.success(r.required ? `已要求「${ROLE_LABELS[r.role]}」使用动态验证码` : `已取消对「${ROLE_LABELS[r.role]}」的动态验证码要求`);
        void queryClient.invalidateQueries(trpc.security.totpPolicy.pathFilter());
      },
      onError: (e) => message.error(errorInfo(e).message),
    }),
  );
  const reset = useMutation(
    trpc.user.resetTotp.mutationOptions({
      onSuccess: (r) => {
        const u = users.data?.find((x) => x.id === r.userId);
        message.success(r.reset ? `已重置 ${u?.displayName ?? "该用户"} 的动态验证码，其下次登录时须重新绑定` : `${u?.displayName ?? "该用户"} 尚未绑定动态验证码，无需重置`);
        void queryClient.invalidateQueries(trpc.user.pathFilter());
      },
      onError: (e) => message.error(errorInfo(e).message),
    }),
  );

  if (!allowed) return <Result status="403" title={<h1 className="page-title">无权设置安全策略</h1>} subTitle="安全策略仅安全管理员可以设置。" />;

  const all = users.data ?? [];
  const enrolled = (role: Role) => all.filter((u) => u.role === role && !u.disabled && u.totpEnabled).length;
  const total = (role: Role) => all.filter((u) => u.role === role && !u.disabled).length;

  return (
    <>
      <PageHeader title="安全策略" />
      <Card style={{ marginBottom: 16 }} title={<h2 className="card-title">动态验证码策略</h2>}>
        <p style={{ marginTop: 0 }}>
          开启后，该角色的用户登录时除密码外还须输入验证器上的 6 位动态验证码；尚未绑定验证器的用户登录后只能先完成绑定，不能使用其他功能。
        </p>
        {policy.isError && <Alert type="error" showIcon title="加载失败" description={errorInfo(policy.error).message} style={{ marginBottom: 12 }} />}
        <ScrollTable<Policy>
          label="各角色动态验证码要求"
          minWidth={560}
          rowKey="role"
          size="small"
          loading={policy.isPending}
          dataSource={policy.data ?? []}
          pagination={false}
          columns={[
            { title: "角色", key: "role", render: (_, p) => ROLE_LABELS[p.role] },
            {
              title: "需要动态验证码",
              key: "required",
              width: 180,
              render: (_, p) => (
                <span style={{ display: "inline-flex", alignItems: "center", gap: 8 }}>
                  <Switch
                    checked={p.required}
                    aria-label={`${ROLE_LABELS[p.role]}需要动态验证码`}
                    loading={setRequired.isPending && setRequired.variables.role === p.role}
                    onChange={(required) => setRequired.mutate({ role: p.role, required })}
                  />
                  <span aria-hidden="true">{p.required ? "需要" : "不需要"}</span>
                </span>
              ),
            },
            {
              title: "已绑定 / 在用账号",
              key: "enrolled",
              width: 180,
              render: (_, p) => (users.data ? `${enrolled(p.role)} / ${total(p.role)}` : "—"),
            },
          ]}
        />
      </Card>
      <Card title={<h2 className="card-title">重置用户动态验证码</h2>}>
        <p style={{ marginTop: 0 }}>用户更换手机或丢失验证器时使用：重置后其原验证器失效，下次登录须重新绑定（角色不要求时可不绑定）。重置操作记入审计日志。</p>
        {users.isError && <Alert type="error" showIcon title="加载失败" description={errorInfo(users.error).message} style={{ marginBottom: 12 }} />}
        <UserTable
          label="用户动态验证码状态"
          minWidth={820}
          users={all}
          loading={users.isPending}
          extraColumns={[
            {
              title: "动态验证码",
              key: "totp",
              width: 120,
              render: (_, u) => (u.totpEnabled ? <ToneTag tone="green">已启用</ToneTag> : <ToneTag tone="gray">未启用</ToneTag>),
            },
            {
              title: "操作",
              key: "actions",
              width: 110,
              // Whose authenticator may be reset is the server's answer (三员: never an administrator's, never one's own).
              render: (_, u) =>
                u.id === me.id ? (
                  <span>（本人）</span>
                ) : !u.manageable ? (
                  <span>（命令行管理）</span>
                ) : (
                  <Popconfirm
                    title={`重置 ${u.displayName} 的动态验证码？`}
                    description="其原验证器将失效，下次登录须重新绑定。"
                    okText="重置"
                    cancelText="取消"
                    onConfirm={() => reset.mutate({ userId: u.id })}
                  >
                    <Button size="small" danger icon={<UndoOutlined />} aria-label={`重置 ${u.displayName} 的动态验证码`} loading={reset.isPending && reset.variables.userId === u.id}>
                      重置
                    </Button>
                  </Popconfirm>
                ),
            },
          ]}
        />
      </Card>
    </>
  );
}
