// 个人安全设置: TOTP enrolment (auth.totpSetup → scan or type the secret → confirm with a code →
// auth.totpEnable). Two frames: a page inside the layout, and a stand-alone page for users whose
// role requires TOTP and who have not enrolled yet — the server refuses them everything else.
import { CheckCircleOutlined, KeyOutlined, SafetyOutlined } from "@ant-design/icons";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Card, Form, Input, Space } from "antd";
import QRCode from "qrcode";
import { useEffect, useState } from "react";
import { Navigate, useNavigate } from "react-router";
import { type Me, useMe, useMeQuery } from "../../auth";
import { PageHeader } from "../../components/PageHeader";
import { applyFieldErrors, errorInfo } from "../../lib/errors";
import { useTRPC } from "../../trpc";
import { AuthShell } from "../login/components/AuthShell";

interface CodeValues {
  code: string;
}

/** "JBSWY3DPEHPK3PXP" → "JBSW Y3DP EHPK 3PXP": easier to type into an authenticator by hand. */
const grouped = (secret: string) => secret.replace(/(.{4})(?=.)/g, "$1 ");

function QrImage({ uri }: { uri: string }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    QRCode.toDataURL(uri, { errorCorrectionLevel: "M", margin: 2, width: 200 }).then(
      (url) => live && setSrc(url),
      () => live && setSrc(null),
    );
    return () => {
      live = false;
    };
  }, [uri]);
  if (src === null) return null;
  return <img src={src} width={200} height={200} alt="绑定验证器的二维码（内容与下方绑定链接相同）" style={{ border: "1px solid #d9d9d9", borderRadius: 4 }} />;
}

/** The enrolment steps, or the enabled state; used by both frames. */
function TotpEnrolment({ me, onEnabled }: { me: Me; onEnabled?: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<CodeValues>();
  const [error, setError] = useState<string | null>(null);
  const setup = useMutation(
    trpc.auth.totpSetup.mutationOptions({
      onSuccess: () => {
        setError(null);
        form.resetFields();
      },
      onError: (e) => setError(errorInfo(e).message),
    }),
  );
  const enable = useMutation(
    trpc.auth.totpEnable.mutationOptions({
      onSuccess: async () => {
        queryClient.setQueryData(trpc.auth.me.queryKey(), (old) => (old ? { ...old, totpEnabled: true, totpSetupRequired: false } : old));
        await queryClient.invalidateQueries(trpc.auth.me.queryFilter());
        message.success("动态验证码已启用，今后登录时须输入验证器上的 6 位数字");
        setup.reset();
        onEnabled?.();
      },
      onError: (e) => {
        setError(errorInfo(e).message);
        applyFieldErrors(form, e);
      },
    }),
  );

  if (me.totpEnabled) {
    return (
      <Alert
        type="success"
        showIcon
        icon={<CheckCircleOutlined />}
        title="已启用动态验证码"
        description="登录时除密码外还须输入验证器上的 6 位动态验证码。如更换手机或丢失验证器，请联系安全管理员重置后重新绑定。"
      />
    );
  }

  const secret = setup.data;
  return (
    <>
      {me.totpSetupRequired && (
        <Alert type="warning" showIcon title="您的角色要求使用动态验证码" description="请先绑定验证器并确认，完成后才能使用系统其他功能。" style={{ marginBottom: 16 }} />
      )}
      {error !== null && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
      <ol style={{ paddingInlineStart: 20, margin: 0 }}>
        <li style={{ marginBottom: 16 }}>
          <p style={{ margin: "0 0 8px" }}>在手机上安装支持 TOTP 的验证器应用（如 FreeOTP、Google Authenticator、Microsoft Authenticator 等）。</p>
        </li>
        <li style={{ marginBottom: 16 }}>
          <p style={{ margin: "0 0 8px" }}>获取密钥，用验证器扫描二维码，或手动输入密钥。密钥只显示这一次，请勿截图外传。</p>
          <Button icon={<KeyOutlined />} onClick={() => setup.mutate()} loading={setup.isPending} type={secret ? "default" : "primary"}>
            {secret ? "重新获取密钥" : "获取密钥"}
          </Button>
          {secret && (
            <div style={{ marginTop: 12, display: "flex", flexWrap: "wrap", gap: 16, alignItems: "flex-start" }}>
              <QrImage uri={secret.uri} />
              <div style={{ flex: "1 1 260px", minWidth: 0 }}>
                <label htmlFor="totp-secret" style={{ display: "block", marginBottom: 4 }}>
                  密钥（手动输入时使用，基于时间，6 位，30 秒）
                </label>
                <Input.TextArea id="totp-secret" readOnly value={grouped(secret.secret)} autoSize={{ minRows: 1, maxRows: 3 }} style={{ fontFamily: "monospace", marginBottom: 12 }} />
                <label htmlFor="totp-uri" style={{ display: "block", marginBottom: 4 }}>
                  绑定链接（otpauth）
                </label>
                <Input.TextArea id="totp-uri" readOnly value={secret.uri} autoSize={{ minRows: 2, maxRows: 4 }} style={{ fontFamily: "monospace", fontSize: 12 }} />
              </div>
            </div>
          )}
        </li>
        <li>
          <p style={{ margin: "0 0 8px" }}>输入验证器上显示的 6 位数字，确认绑定。</p>
          <Form<CodeValues>
            form={form}
            layout="vertical"
            requiredMark={false}
            disabled={!secret}
            onFinish={(v) => {
              setError(null);
              enable.mutate({ code: v.code.trim() });
            }}
            onValuesChange={() => setError(null)}
          >
            <Form.Item
              label="动态验证码"
              name="code"
              rules={[
                { required: true, message: "请输入 6 位动态验证码" },
                { pattern: /^\s*\d{6}\s*$/, message: "动态验证码为 6 位数字" },
              ]}
              style={{ maxWidth: 240 }}
            >
              <Input inputMode="numeric" autoComplete="one-time-code" maxLength={6} />
            </Form.Item>
            <Button type="primary" htmlType="submit" icon={<SafetyOutlined />} loading={enable.isPending}>
              确认启用
            </Button>
          </Form>
        </li>
      </ol>
    </>
  );
}

/** Inside the layout: the user menu's 个人安全设置. */
export function AccountSecurityPage() {
  const me = useMe();
  const navigate = useNavigate();
  return (
    <>
      <PageHeader title="个人安全设置" />
      <Card style={{ marginBottom: 16 }} title={<h2 className="card-title">动态验证码（双因素认证）</h2>}>
        <TotpEnrolment me={me} />
      </Card>
      <Card title={<h2 className="card-title">登录密码</h2>}>
        <p style={{ marginTop: 0 }}>密码至少 8 位，包含大小写字母、数字和符号中的至少三类。</p>
        <Button onClick={() => void navigate("/change-password")}>修改密码</Button>
      </Card>
    </>
  );
}

/** Stand-alone: the role requires TOTP and the user has not enrolled — nothing else works until then. */
export function TotpSetupPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const me = useMeQuery();
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
  if (me.data.mustChangePassword) return <Navigate to="/change-password" replace />;
  if (!me.data.totpSetupRequired) return <Navigate to="/" replace />;
  return (
    <AuthShell title="督查督办系统" subtitle={`${me.data.displayName}，请先绑定动态验证码`}>
      <Card variant="borderless" style={{ boxShadow: "0 2px 12px rgba(0,0,0,0.08)" }}>
        <h2 style={{ fontSize: 18, marginBottom: 16 }}>绑定动态验证码</h2>
        <TotpEnrolment me={me.data} onEnabled={() => void navigate("/", { replace: true })} />
        <Space style={{ marginTop: 24 }}>
          <Button onClick={() => logout.mutate()} loading={logout.isPending}>
            退出登录
          </Button>
        </Space>
      </Card>
    </AuthShell>
  );
}
