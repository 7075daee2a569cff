// 用户管理: the security administrator creates and edits business accounts and changes their roles;
// the system administrator sees the list. Which rows can be managed is the server's answer
// (`manageable`, 三员: apps/api/src/security/separation.ts); 三员 accounts are managed on the server's command line.
import { EditOutlined, PlusOutlined, SwapOutlined } from "@ant-design/icons";
import { ROLE_LABELS, type Role } from "@duban/workflow/vocabulary";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Card, Checkbox, Form, Input, Modal, Result, Select, Space, Switch, Typography } from "antd";
import { useState } from "react";
import { useMe } from "../../auth";
import { PageHeader } from "../../components/PageHeader";
import { ToneTag } from "../../components/tags";
import { useUnits } from "../../hooks/useUnits";
import { UserTable } from "./components/UserTable";
import { applyFieldErrors, errorInfo } from "../../lib/errors";
import { type RouterOutputs, useTRPC } from "../../trpc";

type User = RouterOutputs["user"]["list"][number];

const BUSINESS_ROLES: Role[] = ["liaison", "office", "leader", "evaluator"];
const PASSWORD_HINT = "至少 8 位，包含大写字母、小写字母、数字、符号中的至少三类；用户首次登录须修改。";

function useSaved(onClose: () => void, text: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  return async () => {
    message.success(text);
    await queryClient.invalidateQueries(trpc.user.pathFilter());
    onClose();
  };
}

function CreateModal({ roles, onClose }: { roles: Role[]; onClose: () => void }) {
  const trpc = useTRPC();
  const units = useUnits();
  const [form] = Form.useForm();
  const [error, setError] = useState<string | null>(null);
  const onSuccess = useSaved(onClose, "用户已创建");
  const create = useMutation(
    trpc.user.create.mutationOptions({
      onSuccess,
      onError: (e) => {
        setError(errorInfo(e).message);
        applyFieldErrors(form, e);
      },
    }),
  );
  return (
    <Modal open title="新建用户" onCancel={onClose} mask={{ closable: false }} okText="创建" cancelText="取消" confirmLoading={create.isPending} onOk={() => form.submit()}>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" />}
      <Form
        form={form}
        layout="vertical"
        initialValues={{ role: "liaison" }}
        onFinish={(v: { username: string; displayName: string; password: string; role: Role; unitId?: string }) => {
          setError(null);
          create.mutate({ username: v.username, displayName: v.displayName, password: v.password, role: v.role, unitId: v.unitId ?? null });
        }}
      >
        <Form.Item label="用户名" name="username" rules={[{ required: true, message: "请填写用户名" }]} extra="字母、数字、_ . -，至少 2 个字符">
          <Input autoComplete="off" maxLength={64} />
        </Form.Item>
        <Form.Item label="姓名" name="displayName" rules={[{ required: true, whitespace: true, message: "请填写姓名" }]}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item label="初始密码" name="password" rules={[{ required: true, message: "请设置初始密码" }]} extra={PASSWORD_HINT}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item label="角色" name="role" rules={[{ required: true, message: "请选择角色" }]}>
          <Select options={roles.map((r) => ({ value: r, label: ROLE_LABELS[r] }))} />
        </Form.Item>
        <Form.Item label="所属单位" name="unitId" extra="联络员必须选择所属单位">
          <Select allowClear showSearch={{ optionFilterProp: "label" }} options={units.options} placeholder="请选择单位" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

interface EditValues {
  displayName: string;
  unitId?: string | null;
  disabled: boolean;
  unlock: boolean;
  resetPassword?: string;
}

function EditModal({ user, onClose }: { user: User; onClose: () => void }) {
  const trpc = useTRPC();
  const units = useUnits();
  const [form] = Form.useForm<EditValues>();
  const [error, setError] = useState<string | null>(null);
  const onSuccess = useSaved(onClose, "用户信息已保存");
  const update = useMutation(
    trpc.user.update.mutationOptions({
      onSuccess,
      onError: (e) => {
        setError(errorInfo(e).message);
        applyFieldErrors(form, e);
      },
    }),
  );
  return (
    <Modal open title={`编辑用户：${user.displayName}（${user.username}）`} onCancel={onClose} mask={{ closable: false }} okText="保存" cancelText="取消" confirmLoading={update.isPending} onOk={() => form.submit()}>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" />}
      <Form<EditValues>
        form={form}
        layout="vertical"
        initialValues={{ displayName: user.displayName, unitId: user.unitId, disabled: user.disabled, unlock: false }}
        onFinish={(v) => {
          setError(null);
          update.mutate({
            userId: user.id,
            expectedVersion: user.version,
            displayName: v.displayName,
            ...((v.unitId ?? null) !== user.unitId ? { unitId: v.unitId ?? null } : {}),
            ...(v.disabled !== user.disabled ? { disabled: v.disabled } : {}),
            ...(v.unlock ? { unlock: true } : {}),
            ...(v.resetPassword ? { resetPassword: v.resetPassword } : {}),
          });
        }}
      >
        <Form.Item label="姓名" name="displayName" rules={[{ required: true, whitespace: true, message: "请填写姓名" }]}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item label="所属单位" name="unitId">
          <Select allowClear showSearch={{ optionFilterProp: "label" }} options={units.options} placeholder="无" />
        </Form.Item>
        <Form.Item label="停用账号" name="disabled" valuePropName="checked" extra="停用后该用户无法登录，已登录的会话立即失效。">
          <Switch checkedChildren="已停用" unCheckedChildren="正常" />
        </Form.Item>
        {user.locked && (
          <Form.Item name="unlock" valuePropName="checked">
            <Checkbox>解除锁定（该账号因多次密码错误已被锁定）</Checkbox>
          </Form.Item>
        )}
        <Form.Item label="重置密码（可选）" name="resetPassword" extra={`留空则不修改。${PASSWORD_HINT}`}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function RoleModal({ user, onClose }: { user: User; onClose: () => void }) {
  const trpc = useTRPC();
  const [form] = Form.useForm<{ role: Role }>();
  const [error, setError] = useState<string | null>(null);
  const onSuccess = useSaved(onClose, "角色已变更");
  const grant = useMutation(
    trpc.user.grantRole.mutationOptions({
      onSuccess,
      onError: (e) => setError(errorInfo(e).message),
    }),
  );
  return (
    <Modal open title={`变更角色：${user.displayName}（${user.username}）`} onCancel={onClose} mask={{ closable: false }} okText="确认变更" cancelText="取消" confirmLoading={grant.isPending} onOk={() => form.submit()}>
      <p>当前角色：{ROLE_LABELS[user.role]}。变更后该用户需重新登录。系统管理员、安全管理员、审计管理员（三员）只能在服务器上用命令行设置。</p>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" />}
      <Form form={form} layout="vertical" initialValues={{ role: user.role }} onFinish={(v) => grant.mutate({ userId: user.id, expectedVersion: user.version, role: v.role })}>
        <Form.Item label="新角色" name="role" rules={[{ required: true, message: "请选择角色" }]}>
          <Select options={BUSINESS_ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }))} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function AdminUsersPage() {
  const me = useMe();
  const trpc = useTRPC();
  const allowed = me.can.manageUsers;
  const users = useQuery({ ...trpc.user.list.queryOptions(), enabled: allowed });
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<User | null>(null);
  const [granting, setGranting] = useState<User | null>(null);
  if (!allowed) return <Result status="403" title={<h1 className="page-title">无权管理用户</h1>} subTitle="用户管理仅系统管理员和安全管理员可以使用。" />;
  const manager = me.can.editUsers;
  return (
    <>
      <PageHeader
        title={manager ? "用户管理" : "用户列表"}
        extra={
          manager && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
              新建用户
            </Button>
          )
        }
      />
      {users.isError && <Alert type="error" showIcon title="加载失败" description={errorInfo(users.error).message} style={{ marginBottom: 16 }} />}
      <Card>
        <UserTable
          label="用户列表"
          minWidth={900}
          users={users.data ?? []}
          loading={users.isPending}
          extraColumns={[
            {
              title: "账号状态",
              key: "state",
              width: 200,
              render: (_, u) => (
                <span>
                  {u.disabled ? <ToneTag tone="gray">已停用</ToneTag> : <ToneTag tone="green">正常</ToneTag>}
                  {u.locked && <ToneTag tone="red">已锁定</ToneTag>}
                  {u.mustChangePassword && <ToneTag tone="gold">待改初始密码</ToneTag>}
                </span>
              ),
            },
            {
              title: "操作",
              key: "actions",
              width: 180,
              render: (_, u) => (
                u.manageable ? (
                  <Space>
                    <Button size="small" icon={<EditOutlined />} onClick={() => setEditing(u)} aria-label={`编辑用户 ${u.displayName}`}>
                      编辑
                    </Button>
                    <Button size="small" icon={<SwapOutlined />} onClick={() => setGranting(u)} aria-label={`变更 ${u.displayName} 的角色`}>
                      变更角色
                    </Button>
                  </Space>
                ) : (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {u.manageRefusal}
                  </Typography.Text>
                )
              ),
            },
          ]}
        />
      </Card>
      {creating && <CreateModal roles={BUSINESS_ROLES} onClose={() => setCreating(false)} />}
      {editing && <EditModal user={editing} onClose={() => setEditing(null)} />}
      {granting && <RoleModal user={granting} onClose={() => setGranting(null)} />}
    </>
  );
}
