// The auditor's signed checkpoints (kept outside the database): list, download, create one now, and
// verify one — picked from the list or uploaded — against the live log.
import { CloudDownloadOutlined, PlusOutlined, SafetyCertificateOutlined, UploadOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Card, Space, Upload } from "antd";
import dayjs from "dayjs";
import { useState } from "react";
import type { ColumnsType } from "antd/es/table";
import { cardFromColumns, ResponsiveTable } from "../../../components/ResponsiveTable";
import { ToneTag } from "../../../components/tags";
import { errorInfo } from "../../../lib/errors";
import { type RouterOutputs, useTRPC } from "../../../trpc";
import { saveBlob } from "../../../lib/download";

type Item = RouterOutputs["audit"]["checkpoints"][number];
type Verdict = RouterOutputs["audit"]["verifyCheckpoint"];
type Problem = Extract<Verdict, { ok: false }>["problem"];

const PROBLEMS: Record<Problem, string> = {
  malformed: "检查点文件格式不正确，不是本系统生成的检查点",
  unknown_key: "未知密钥：该检查点不是由本系统当前的签名密钥签发的",
  bad_signature: "签名无效：检查点内容被修改或系为伪造",
  chain_broken: "日志哈希链断裂（记录被修改、删除、插入或调换）",
  log_shorter: "日志短于检查点（可能被截断或替换为旧备份）",
  diverged: "日志与检查点不一致（被改写）",
};

const SIGNATURE_PROBLEMS: Record<string, string> = { unknown_key: "未知密钥", bad_signature: "签名无效" };

/** "sha256:0123456789abcdef…" → the first characters after the prefix, for a table cell. */
function short(hash: string, keep = 12): string {
  const [prefix, rest] = hash.includes(":") ? (hash.split(":", 2) as [string, string]) : ["", hash];
  const body = rest.length > keep ? `${rest.slice(0, keep)}…` : rest;
  return prefix ? `${prefix}:${body}` : body;
}

function downloadJson(name: string, value: unknown) {
  saveBlob(new Blob([`${JSON.stringify(value, null, 2)}\n`], { type: "application/json" }), name);
}

function VerdictView({ verdict, source }: { verdict: Verdict; source: string }) {
  if (verdict.ok) {
    return (
      <Alert
        type="success"
        showIcon
        role="status"
        title={`日志完整且延续该检查点（${source}）`}
        description={`检查点覆盖 ${verdict.checkpointCount} 条记录，当前日志共 ${verdict.logCount} 条，第 ${verdict.checkpointCount} 条记录与检查点签名的链头一致。`}
      />
    );
  }
  const details: string[] = [];
  if (verdict.checkpointCount !== null) details.push(`检查点覆盖 ${verdict.checkpointCount} 条记录`);
  if (verdict.logCount !== null) details.push(`当前日志自第 1 条起完整的记录 ${verdict.logCount} 条`);
  if (verdict.seq !== null) {
    details.push(
      verdict.problem === "log_shorter"
        ? `自序号 ${verdict.seq} 起的记录缺失`
        : verdict.problem === "diverged"
          ? `序号 ${verdict.seq} 及之前的记录被改写`
          : `首个异常记录：序号 ${verdict.seq}`,
    );
  }
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      title={`校验未通过：${PROBLEMS[verdict.problem]}（${source}）`}
      description={
        <>
          {details.length > 0 && <p style={{ margin: 0 }}>{details.join("；")}。</p>}
          <p style={{ margin: "4px 0 0", fontSize: 12, wordBreak: "break-all" }}>技术信息：{verdict.message}</p>
        </>
      }
    />
  );
}

export function Checkpoints() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const list = useQuery(trpc.audit.checkpoints.queryOptions());
  const refresh = () => Promise.all([queryClient.invalidateQueries(trpc.audit.checkpoints.pathFilter()), queryClient.invalidateQueries(trpc.audit.list.pathFilter())]);
  const create = useMutation(
    trpc.audit.createCheckpoint.mutationOptions({
      onSuccess: (created) => {
        message.success(created ? `已生成检查点，覆盖 ${created.checkpoint.count} 条记录` : "今日检查点已存在");
        void refresh();
      },
      onError: (e) => message.error(errorInfo(e).message),
    }),
  );
  const verify = useMutation(
    trpc.audit.verifyCheckpoint.mutationOptions({
      onSettled: () => void queryClient.invalidateQueries(trpc.audit.list.pathFilter()),
    }),
  );
  // What was verified, shown with the verdict: a file name from the list or an uploaded file.
  const [source, setSource] = useState<string | null>(null);
  const check = (checkpoint: string, from: string) => {
    setSource(from);
    verify.mutate({ checkpoint });
  };

  const items: Item[] = list.data ?? [];
  const columns: ColumnsType<Item> = [
    {
      title: "时间",
      key: "at",
      width: 170,
      render: (_, r) => (r.checkpoint ? dayjs(r.checkpoint.at).format("YYYY-MM-DD HH:mm:ss") : "—"),
    },
    { title: "记录数", key: "count", width: 90, render: (_, r) => r.checkpoint?.count ?? "—" },
    {
      title: "链头哈希",
      key: "head",
      width: 170,
      render: (_, r) => (r.checkpoint ? <code title={r.checkpoint.headHash}>{short(r.checkpoint.headHash)}</code> : "—"),
    },
    {
      title: "密钥指纹",
      key: "key",
      width: 190,
      render: (_, r) => (r.checkpoint ? <code title={r.checkpoint.keyFingerprint}>{short(r.checkpoint.keyFingerprint)}</code> : "—"),
    },
    {
      title: "签名",
      key: "sig",
      width: 110,
      render: (_, r) =>
        r.signatureValid === true ? (
          <ToneTag tone="green">有效</ToneTag>
        ) : r.signatureValid === false ? (
          <ToneTag tone="red">{SIGNATURE_PROBLEMS[r.problem ?? ""] ?? "无效"}</ToneTag>
        ) : r.checkpoint === null ? (
          <ToneTag tone="red">文件损坏</ToneTag>
        ) : (
          <ToneTag tone="gray">无法验证</ToneTag>
        ),
    },
    {
      title: "文件",
      dataIndex: "file",
      width: 150,
      render: (f: string) => <span style={{ wordBreak: "break-all", fontSize: 12 }}>{f}</span>,
    },
    {
      title: "操作",
      key: "actions",
      width: 170,
      render: (_, r) =>
        r.checkpoint ? (
          <Space size={4} wrap>
            <Button size="small" icon={<CloudDownloadOutlined />} aria-label={`下载检查点 ${r.file}`} onClick={() => downloadJson(r.file, r.checkpoint)}>
              下载
            </Button>
            <Button
              size="small"
              icon={<SafetyCertificateOutlined />}
              aria-label={`用检查点 ${r.file} 校验日志`}
              loading={verify.isPending && source === `检查点 ${r.file}`}
              onClick={() => check(JSON.stringify(r.checkpoint), `检查点 ${r.file}`)}
            >
              校验
            </Button>
          </Space>
        ) : (
          <span>{r.problem ?? "—"}</span>
        ),
    },
  ];

  return (
    <Card
      style={{ marginBottom: 16 }}
      title={<h2 className="card-title">审计检查点</h2>}
      extra={
        <Button icon={<PlusOutlined />} onClick={() => create.mutate()} loading={create.isPending}>
          立即生成检查点
        </Button>
      }
    >
      <p style={{ marginTop: 0 }}>
        检查点是对审计日志链头的数字签名，保存在数据库之外（每日自动生成一次，也可随时生成）。用检查点校验可以发现日志被截断、被旧备份替换或被整体改写。请将下载的检查点文件另行保存。
      </p>
      <Space wrap style={{ marginBottom: 12 }}>
        <Upload
          accept=".json,application/json"
          showUploadList={false}
          maxCount={1}
          beforeUpload={(file) => {
            if (file.size > 10_000) {
              message.error("检查点文件过大，不是本系统生成的检查点");
              return false;
            }
            void file.text().then((text) => check(text, `上传的文件 ${file.name}`));
            return false;
          }}
        >
          <Button icon={<UploadOutlined />} loading={verify.isPending}>
            上传检查点文件并校验
          </Button>
        </Upload>
      </Space>
      <div aria-live="polite" style={{ marginBottom: verify.data || verify.isError ? 12 : 0 }}>
        {verify.data && <VerdictView verdict={verify.data} source={source ?? "检查点"} />}
        {verify.isError && <Alert type="error" showIcon role="alert" title="无法校验检查点" description={errorInfo(verify.error).message} />}
      </div>
      {list.isError && <Alert type="error" showIcon title="检查点加载失败" description={errorInfo(list.error).message} style={{ marginBottom: 12 }} />}
      <ResponsiveTable<Item>
        label="检查点列表"
        minWidth={980}
        rowKey="file"
        size="small"
        loading={list.isPending}
        dataSource={items}
        pagination={items.length > 10 ? { pageSize: 10, showSizeChanger: false } : false}
        empty="还没有检查点"
        columns={columns}
        card={cardFromColumns(columns)}
      />
    </Card>
  );
}
