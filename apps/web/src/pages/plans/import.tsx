// 导入方案: paste text or upload .docx → the parsed plan beside its source → correct → confirm.
import { FileWordOutlined } from "@ant-design/icons";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Card, Col, DatePicker, Form, Input, Radio, Result, Row, Select, Space } from "antd";
import dayjs from "dayjs";
import { useRef, useState } from "react";
import { useNavigate } from "react-router";
import { useMe } from "../../auth";
import { PageHeader } from "../../components/PageHeader";
import { ScrollTable } from "../../components/ScrollTable";
import { StageTag } from "../../components/tags";
import { useUnits } from "../../hooks/useUnits";
import { errorInfo } from "../../lib/errors";
import { formatMonth, taskNumber } from "../../lib/format";
import { type RouterInputs, type RouterOutputs, useTRPC } from "../../trpc";

type Preview = RouterOutputs["plan"]["previewImport"];
type Draft = RouterInputs["plan"]["confirmImport"];

interface TaskRow {
  key: number;
  path: string[];
  heading: string | null;
  text: string;
  leadUnitId: string | undefined;
  coUnitIds: string[];
  deadlineText: string | null;
  dueDate: string | null;
  targets: Draft["tasks"][number]["targets"];
  /** Names as written that the registry did not match. */
  unmatched: string[];
  unassigned: boolean;
}

interface DocFields {
  title: string;
  docNumber?: string;
  issuer?: string;
  date?: dayjs.Dayjs | null;
}

function rowsFrom(preview: Preview): TaskRow[] {
  const idOf = new Map(preview.parsed.units.map((u) => [u.name, u.unitIds]));
  const unmatchedNames = new Set(preview.parsed.unmatchedUnits);
  const unassigned = new Set(preview.unassigned);
  return preview.parsed.tasks.map((t, i) => {
    const lead = t.leadUnits.flatMap((n) => idOf.get(n) ?? []);
    const co = t.responsibleUnits.flatMap((n) => idOf.get(n) ?? []);
    const leadUnitId = lead[0];
    return {
      key: i,
      path: t.path,
      heading: t.heading || null,
      text: t.text,
      leadUnitId,
      coUnitIds: [...new Set([...lead.slice(1), ...co])].filter((id) => id !== leadUnitId),
      deadlineText: t.deadline,
      dueDate: t.dueDate,
      targets: t.targets,
      unmatched: [...t.leadUnits, ...t.responsibleUnits].filter((n) => unmatchedNames.has(n) || (idOf.get(n) ?? []).length === 0),
      unassigned: unassigned.has(i),
    };
  });
}

function SourceInput({ onParsed }: { onParsed: (p: Preview) => void }) {
  const trpc = useTRPC();
  const [mode, setMode] = useState<"text" | "docx">("text");
  const [text, setText] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const preview = useMutation(
    trpc.plan.previewImport.mutationOptions({
      onSuccess: onParsed,
      onError: (e) => setError(errorInfo(e).message),
    }),
  );

  const parse = async () => {
    setError(null);
    if (mode === "text") {
      if (text.trim() === "") return setError("请粘贴方案全文");
      preview.mutate({ text });
    } else {
      if (file === null) return setError("请选择 Word（.docx）文件");
      const buffer = await file.arrayBuffer();
      let binary = "";
      const bytes = new Uint8Array(buffer);
      for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      preview.mutate({ docxBase64: btoa(binary) });
    }
  };

  return (
    <Card title={<h2 className="card-title">第一步：提供方案原文</h2>}>
      <Form layout="vertical">
        <Form.Item label="来源">
          <Radio.Group value={mode} onChange={(e) => setMode(e.target.value as "text" | "docx")} options={[{ value: "text", label: "粘贴文本" }, { value: "docx", label: "上传 Word 文件（.docx）" }]} optionType="button" />
        </Form.Item>
        {mode === "text" ? (
          <Form.Item label="方案全文" htmlFor="plan-source-text" extra="从公文中复制全文粘贴到此处，包括标题、文号、工作任务和进度安排。">
            <Input.TextArea id="plan-source-text" rows={14} value={text} onChange={(e) => setText(e.target.value)} />
          </Form.Item>
        ) : (
          <Form.Item label="Word 文件" htmlFor="plan-docx-button">
            <input ref={input} type="file" accept=".docx,application/vnd.openxmlformats-officedocument.wordprocessingml.document" hidden style={{ display: "none" }} tabIndex={-1} aria-hidden="true" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
            <Space wrap>
              <Button id="plan-docx-button" icon={<FileWordOutlined />} onClick={() => input.current?.click()}>
                选择文件
              </Button>
              <span>{file ? file.name : "尚未选择文件"}</span>
            </Space>
          </Form.Item>
        )}
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" />}
        <Button type="primary" onClick={() => void parse()} loading={preview.isPending}>
          解析方案
        </Button>
      </Form>
    </Card>
  );
}

function Review({ preview, onBack }: { preview: Preview; onBack: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const units = useUnits();
  const [form] = Form.useForm<DocFields>();
  const [rows, setRows] = useState<TaskRow[]>(() => rowsFrom(preview));
  const [error, setError] = useState<string | null>(null);
  const missing = rows.filter((r) => r.leadUnitId === undefined);

  const update = (key: number, patch: Partial<TaskRow>) => setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...patch } : r)));

  const confirm = useMutation(
    trpc.plan.confirmImport.mutationOptions({
      onSuccess: async (plan) => {
        message.success(`方案已导入，共 ${plan.taskCount} 项任务`);
        await queryClient.invalidateQueries(trpc.plan.pathFilter());
        void navigate(`/plans/${plan.id}`);
      },
      onError: (e) => setError(errorInfo(e).message),
    }),
  );

  const submit = (doc: DocFields) => {
    setError(null);
    if (missing.length > 0) {
      setError(`还有 ${missing.length} 项任务未指定牵头单位：${missing.map((r) => taskNumber(r.path)).join("、")}`);
      return;
    }
    const draft: Draft = {
      title: doc.title.trim(),
      docNumber: doc.docNumber?.trim() || null,
      issuer: doc.issuer?.trim() || null,
      date: doc.date ? doc.date.format("YYYY-MM-DD") : null,
      sourceText: preview.parsed.sourceText,
      phases: preview.draft.phases,
      tasks: rows.map((r) => ({
        path: r.path,
        heading: r.heading,
        text: r.text,
        leadUnitId: r.leadUnitId as string,
        coUnitIds: r.coUnitIds.filter((id) => id !== r.leadUnitId),
        deadlineText: r.deadlineText,
        dueDate: r.dueDate,
        ...(r.targets ? { targets: r.targets } : {}),
      })),
    };
    confirm.mutate(draft);
  };

  const d = preview.draft;
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={9}>
        <Card title={<h2 className="card-title">方案原文</h2>} style={{ position: "sticky", top: 72 }}>
          <pre className="source-text" tabIndex={0} role="region" aria-label="方案原文">
            {preview.parsed.sourceText}
          </pre>
        </Card>
      </Col>
      <Col xs={24} xl={15}>
        <Card title={<h2 className="card-title">第二步：核对解析结果</h2>} style={{ marginBottom: 16 }}>
          {preview.parsed.unmatchedUnits.length > 0 && (
            <Alert
              type="warning"
              showIcon
              style={{ marginBottom: 16 }}
              title={`有 ${preview.parsed.unmatchedUnits.length} 个单位名称未能匹配到单位库`}
              description={`${preview.parsed.unmatchedUnits.join("、")}。相关任务已用底色标出，请手工选择单位，或先在单位管理中添加单位或别名。`}
            />
          )}
          {missing.length > 0 && (
            <Alert type="error" showIcon style={{ marginBottom: 16 }} title={`${missing.length} 项任务尚未指定牵头单位，请在下表中选择`} />
          )}
          <Form<DocFields>
            form={form}
            layout="vertical"
            onFinish={submit}
            initialValues={{ title: d.title, docNumber: d.docNumber ?? "", issuer: d.issuer ?? "", date: d.date ? dayjs(d.date) : null }}
          >
            <Row gutter={16}>
              <Col xs={24}>
                <Form.Item label="方案标题" name="title" rules={[{ required: true, whitespace: true, message: "请填写方案标题" }]}>
                  <Input maxLength={300} />
                </Form.Item>
              </Col>
              <Col xs={24} md={8}>
                <Form.Item label="文号" name="docNumber">
                  <Input maxLength={100} />
                </Form.Item>
              </Col>
              <Col xs={24} md={10}>
                <Form.Item label="发文单位" name="issuer">
                  <Input maxLength={200} />
                </Form.Item>
              </Col>
              <Col xs={24} md={6}>
                <Form.Item label="印发日期" name="date">
                  <DatePicker style={{ width: "100%" }} />
                </Form.Item>
              </Col>
            </Row>
          </Form>
          {d.phases.length > 0 && (
            <>
              <h3 style={{ fontSize: 15 }}>进度安排</h3>
              <ul style={{ paddingInlineStart: 20 }}>
                {d.phases.map((p, i) => (
                  <li key={i} style={{ marginBottom: 4 }}>
                    {p.name}（{[formatMonth(p.start), formatMonth(p.end)].filter(Boolean).join(" 至 ") || "未写明时间"}）{p.stage && <StageTag stage={p.stage} />}
                  </li>
                ))}
              </ul>
            </>
          )}
        </Card>
        <Card title={<h2 className="card-title">工作任务（{rows.length} 项）</h2>} style={{ marginBottom: 16 }}>
          <ScrollTable<TaskRow>
            label="解析出的工作任务"
            minWidth={980}
            rowKey="key"
            size="small"
            pagination={false}
            dataSource={rows}
            rowClassName={(r) => (r.leadUnitId === undefined || r.unmatched.length > 0 ? "unmatched-row" : "")}
            columns={[
              { title: "序号", key: "path", width: 90, render: (_, r) => taskNumber(r.path) },
              {
                title: "任务内容",
                key: "text",
                render: (_, r) => (
                  <>
                    <Input.TextArea aria-label={`任务 ${taskNumber(r.path)} 内容`} autoSize={{ minRows: 2, maxRows: 6 }} value={r.text} onChange={(e) => update(r.key, { text: e.target.value })} />
                    {r.unmatched.length > 0 && <div style={{ fontSize: 12, color: "#873800", marginTop: 4 }}>未匹配：{r.unmatched.join("、")}</div>}
                  </>
                ),
              },
              {
                title: "牵头单位",
                key: "lead",
                width: 190,
                render: (_, r) => (
                  <>
                    <Select
                      aria-label={`任务 ${taskNumber(r.path)} 牵头单位`}
                      value={r.leadUnitId}
                      status={r.leadUnitId === undefined ? "error" : undefined}
                      placeholder="请选择"
                      showSearch={{ optionFilterProp: "label" }}
                      options={units.options}
                      style={{ width: "100%" }}
                      onChange={(v: string) => update(r.key, { leadUnitId: v })}
                    />
                    {r.leadUnitId === undefined && <div style={{ fontSize: 12, color: "#a8071a" }}>须指定牵头单位</div>}
                  </>
                ),
              },
              {
                title: "责任单位",
                key: "co",
                width: 240,
                render: (_, r) => (
                  <Select
                    aria-label={`任务 ${taskNumber(r.path)} 责任单位`}
                    mode="multiple"
                    value={r.coUnitIds}
                    maxTagCount="responsive"
                    placeholder="可选多个"
                    showSearch={{ optionFilterProp: "label" }}
                    options={units.options}
                    style={{ width: "100%" }}
                    onChange={(v: string[]) => update(r.key, { coUnitIds: v })}
                  />
                ),
              },
              {
                title: "完成时限",
                key: "due",
                width: 160,
                render: (_, r) => (
                  <>
                    <DatePicker
                      aria-label={`任务 ${taskNumber(r.path)} 完成时限`}
                      value={r.dueDate ? dayjs(r.dueDate) : null}
                      onChange={(v) => update(r.key, { dueDate: v ? v.format("YYYY-MM-DD") : null })}
                      style={{ width: "100%" }}
                    />
                    {r.deadlineText && <div style={{ fontSize: 12 }}>原文：{r.deadlineText}</div>}
                  </>
                ),
              },
            ]}
          />
        </Card>
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" />}
        <Space wrap>
          <Button type="primary" size="large" loading={confirm.isPending} onClick={() => form.submit()}>
            确认导入
          </Button>
          <Button size="large" onClick={onBack} disabled={confirm.isPending}>
            重新提供原文
          </Button>
        </Space>
      </Col>
    </Row>
  );
}

export function PlanImportPage() {
  const me = useMe();
  const [preview, setPreview] = useState<Preview | null>(null);
  const crumbs = [{ title: "工作方案", to: "/plans" }, { title: "导入方案" }];
  if (me.role !== "office") {
    return <Result status="403" title={<h1 className="page-title">无权导入方案</h1>} subTitle="只有领导小组办公室可以导入工作方案。" />;
  }
  return (
    <>
      <PageHeader title="导入工作方案" crumbs={crumbs} />
      {preview === null ? <SourceInput onParsed={setPreview} /> : <Review preview={preview} onBack={() => setPreview(null)} />}
    </>
  );
}
