// 导入方案: paste text or upload a file (.txt/.docx/.doc/.wps/.xlsx/.pdf) → the parsed plan beside its
// source → map or create the units the registry does not know, without leaving the page → correct → confirm.
import { UploadOutlined } from "@ant-design/icons";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Card, Col, DatePicker, Form, Input, Radio, Result, Row, Select, Space, Tag } from "antd";
import dayjs from "dayjs";
import { useRef, useState } from "react";
import { Link, useNavigate } from "react-router";
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
  /** The lead and co-unit names as the plan writes them. */
  leadNames: string[];
  coNames: string[];
  /** Which layout rule found the units (null: none found). */
  unitRule: string | null;
  unassigned: boolean;
}

/** The layout rule that found a task's units, as the office reads it. */
const RULE_LABEL: Record<string, string> = {
  "bracket-labels": "括注标签",
  "bracket-verbs": "括注",
  "label-lines": "单位行",
  table: "表格",
  "unit-cell": "单位列",
  inherited: "沿用上级",
};

/** Tasks the parser is unsure of: no lead, a name not in the registry, or units taken from a heading. */
const unsure = (r: TaskRow): boolean => r.leadUnitId === undefined || r.unmatched.length > 0 || r.unitRule === null || r.unitRule === "inherited";

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
      leadNames: t.leadUnits,
      coNames: t.responsibleUnits,
      unitRule: t.unitRule,
      unassigned: unassigned.has(i),
    };
  });
}

/** A name now known as a unit: tasks that wrote it get the unit (as lead when they have none yet). */
function resolveName(rows: TaskRow[], name: string, unitId: string): TaskRow[] {
  return rows.map((r) => {
    if (!r.unmatched.includes(name)) return r;
    const unmatched = r.unmatched.filter((n) => n !== name);
    if (r.leadNames.includes(name) && r.leadUnitId === undefined) return { ...r, unmatched, leadUnitId: unitId };
    if (unitId === r.leadUnitId || r.coUnitIds.includes(unitId)) return { ...r, unmatched };
    return { ...r, unmatched, coUnitIds: [...r.coUnitIds, unitId] };
  });
}

const FILE_TYPES = ".txt,.docx,.doc,.wps,.xlsx,.pdf";

function SourceInput({ onParsed }: { onParsed: (p: Preview) => void }) {
  const trpc = useTRPC();
  const [mode, setMode] = useState<"text" | "file">("text");
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
      if (file === null) return setError("请选择方案文件");
      if (file.size > 20 * 1024 * 1024) return setError("文件超过 20 MB，请拆分后上传");
      const buffer = await file.arrayBuffer();
      let binary = "";
      const bytes = new Uint8Array(buffer);
      for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      preview.mutate({ fileBase64: btoa(binary), fileName: file.name });
    }
  };

  return (
    <Card title={<h2 className="card-title">第一步：提供方案原文</h2>}>
      <Form layout="vertical">
        <Form.Item label="来源">
          <Radio.Group value={mode} onChange={(e) => setMode(e.target.value as "text" | "file")} options={[{ value: "text", label: "粘贴文本" }, { value: "file", label: "上传文件" }]} optionType="button" />
        </Form.Item>
        {mode === "text" ? (
          <Form.Item label="方案全文" htmlFor="plan-source-text" extra="从公文中复制全文粘贴到此处，包括标题、文号、工作任务和进度安排。">
            <Input.TextArea id="plan-source-text" rows={14} value={text} onChange={(e) => setText(e.target.value)} />
          </Form.Item>
        ) : (
          <Form.Item label="方案文件" htmlFor="plan-file-button" extra="支持 Word（.docx、.doc）、WPS（.wps）、Excel 任务分解表（.xlsx）、带文字的 PDF 和文本文件（.txt），不超过 20 MB。">
            <input ref={input} type="file" accept={FILE_TYPES} hidden style={{ display: "none" }} tabIndex={-1} aria-hidden="true" data-testid="plan-file-input" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
            <Space wrap>
              <Button id="plan-file-button" icon={<UploadOutlined />} onClick={() => input.current?.click()}>
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

/** Each name the registry does not know: map it to a known unit (remembered as its alias) or create the unit. */
function UnmatchedUnits({ preview, pending, onResolved }: { preview: Preview; pending: string[]; onResolved: (name: string, unitId: string) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const units = useUnits();
  const [chosen, setChosen] = useState<Record<string, string | undefined>>({});
  const [error, setError] = useState<string | null>(null);
  const done = async (name: string, unitId: string) => {
    setError(null);
    await queryClient.invalidateQueries(trpc.unit.list.pathFilter());
    onResolved(name, unitId);
  };
  const map = useMutation(trpc.plan.mapUnitName.mutationOptions({ onSuccess: (r, v) => done(v.name, r.unitId), onError: (e) => setError(errorInfo(e).message) }));
  const create = useMutation(trpc.plan.createUnitFromImport.mutationOptions({ onSuccess: (r, v) => done(v.name, r.unitId), onError: (e) => setError(errorInfo(e).message) }));
  if (pending.length === 0) return null;
  return (
    <Card title={<h2 className="card-title">未匹配的单位（{pending.length} 个）</h2>} style={{ marginBottom: 16 }}>
      <p style={{ marginTop: 0 }}>请将每个名称对应到单位库中的单位（该名称将记为别名，下次导入自动匹配），或直接新建单位。</p>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} role="alert" />}
      <ul style={{ listStyle: "none", padding: 0, margin: 0 }} aria-label="未匹配的单位">
        {pending.map((name) => {
          const suggested = preview.suggestions[name] ?? [];
          const value = chosen[name] ?? suggested[0]?.unitId;
          const suggestedIds = new Set(suggested.map((x) => x.unitId));
          const options = [
            ...suggested.map((x) => ({ value: x.unitId, label: `${x.name}（推荐）` })),
            ...units.options.filter((o) => !suggestedIds.has(o.value)),
          ];
          return (
            <li key={name} style={{ display: "flex", flexWrap: "wrap", gap: 8, alignItems: "center", padding: "8px 0", borderBottom: "1px solid #f0f0f0" }} data-unmatched={name}>
              <strong style={{ minWidth: 160 }}>{name}</strong>
              <Select
                aria-label={`${name} 对应的单位`}
                style={{ minWidth: 240, flex: "1 1 240px" }}
                placeholder="选择单位库中的单位"
                showSearch={{ optionFilterProp: "label" }}
                value={value}
                options={options}
                onChange={(v: string) => setChosen((c) => ({ ...c, [name]: v }))}
              />
              <Button disabled={value === undefined} loading={map.isPending && map.variables?.name === name} onClick={() => value !== undefined && map.mutate({ name, unitId: value })}>
                对应到该单位
              </Button>
              <Button loading={create.isPending && create.variables?.name === name} onClick={() => create.mutate({ name, kind: "department" })}>
                新建为单位
              </Button>
            </li>
          );
        })}
      </ul>
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
  // tasks the parser is unsure of come first (the order of the rest is kept)
  const [rows, setRows] = useState<TaskRow[]>(() => {
    const all = rowsFrom(preview);
    return [...all.filter(unsure), ...all.filter((r) => !unsure(r))];
  });
  const [error, setError] = useState<string | null>(null);
  const [resolved, setResolved] = useState<string[]>([]);
  const missing = rows.filter((r) => r.leadUnitId === undefined);
  const pendingNames = preview.parsed.unmatchedUnits.filter((n) => !resolved.includes(n));
  const onResolved = (name: string, unitId: string) => {
    setResolved((r) => [...r, name]);
    setRows((rs) => resolveName(rs, name, unitId));
  };

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
      tasks: [...rows].sort((a, b) => a.key - b.key).map((r) => ({
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
          {preview.duplicates.length > 0 && (
            <Alert
              type="warning"
              showIcon
              style={{ marginBottom: 16 }}
              role="alert"
              title="该方案可能已经导入过"
              description={
                <ul style={{ margin: 0, paddingInlineStart: 20 }}>
                  {preview.duplicates.map((p) => (
                    <li key={p.planId}>
                      <Link to={`/plans/${p.planId}`}>{p.title}</Link>
                      {p.docNumber ? `（${p.docNumber}）` : ""}：{p.reason === "docNumber" ? "文号相同" : "内容基本相同"}
                    </li>
                  ))}
                </ul>
              }
            />
          )}
          {pendingNames.length > 0 && (
            <Alert
              type="warning"
              showIcon
              style={{ marginBottom: 16 }}
              title={`有 ${pendingNames.length} 个单位名称未能匹配到单位库`}
              description="相关任务已排在前面并用底色标出。请在下方“未匹配的单位”中对应或新建单位，也可在任务表中手工选择。"
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
        <UnmatchedUnits preview={preview} pending={pendingNames} onResolved={onResolved} />
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
              {
                title: "序号",
                key: "path",
                width: 100,
                render: (_, r) => (
                  <>
                    <div>{taskNumber(r.path)}</div>
                    <Tag color={unsure(r) ? "orange" : "default"} style={{ marginTop: 4 }} title="识别单位所依据的版式">
                      {r.unitRule === null ? "未识别单位" : (RULE_LABEL[r.unitRule] ?? r.unitRule)}
                    </Tag>
                  </>
                ),
              },
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
  if (!me.can.managePlans) {
    return <Result status="403" title={<h1 className="page-title">无权导入方案</h1>} subTitle="只有领导小组办公室可以导入工作方案。" />;
  }
  return (
    <>
      <PageHeader title="导入工作方案" crumbs={crumbs} />
      {preview === null ? <SourceInput onParsed={setPreview} /> : <Review preview={preview} onBack={() => setPreview(null)} />}
    </>
  );
}
