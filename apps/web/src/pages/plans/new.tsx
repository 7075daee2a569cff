// 手工立项: the office sets up a single task or a small plan by hand, from a 领导批示, a 会议议定事项 or a
// 建议提案 — title, source and its reference, then tasks each with text, lead unit, co-units (units or
// unit groups) and 完成时限. Sent as plan.create's draft (services/plans.ts ZPlanDraft); on success
// the new plan's page opens; on an error the server's words show and everything typed stays.
import { MinusCircleOutlined, PlusOutlined } from "@ant-design/icons";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Alert, Button, Card, DatePicker, Form, Input, Radio, Result, Select } from "antd";
import type { Dayjs } from "dayjs";
import { useMemo, useState } from "react";
import { useNavigate } from "react-router";
import { useMe } from "../../auth";
import { PageHeader } from "../../components/PageHeader";
import { useUnits } from "../../hooks/useUnits";
import { errorInfo } from "../../lib/errors";
import { type RouterInputs, useTRPC } from "../../trpc";
import { PLAN_SOURCE_LABELS, SOURCE_REF_FIELDS } from "./components/source";

type Draft = RouterInputs["plan"]["create"];
type HandKind = keyof typeof SOURCE_REF_FIELDS;

interface TaskValues {
  text?: string;
  leadUnitId?: string;
  /** unit ids, and unit groups as `group:<id>` */
  coUnits?: string[];
  dueDate?: Dayjs | null;
}
interface Values {
  title?: string;
  sourceKind: HandKind;
  sourceRef?: string;
  tasks: TaskValues[];
}

const GROUP = "group:";
const HAND_KINDS = Object.keys(SOURCE_REF_FIELDS) as HandKind[];

/** The form's values as plan.create's draft: tasks numbered 1, 2, …; no phases. */
function toDraft(v: Values): Draft {
  return {
    title: v.title ?? "",
    sourceKind: v.sourceKind,
    sourceRef: v.sourceRef?.trim() ? v.sourceRef.trim() : null,
    phases: [],
    tasks: v.tasks.map((t, i) => {
      const co = t.coUnits ?? [];
      return {
        path: [String(i + 1)],
        text: t.text ?? "",
        leadUnitId: t.leadUnitId ?? "",
        coUnitIds: co.filter((c) => !c.startsWith(GROUP) && c !== t.leadUnitId),
        coUnitGroupIds: co.filter((c) => c.startsWith(GROUP)).map((c) => c.slice(GROUP.length)),
        dueDate: t.dueDate ? t.dueDate.format("YYYY-MM-DD") : null,
      };
    }),
  };
}

type FieldName = ["title" | "sourceRef" | "sourceKind"] | ["tasks", number, keyof TaskValues];

/** The server's field paths (tasks.0.leadUnitId, title) as the form's names. */
function fieldName(path: string): FieldName | null {
  const [head, index, field] = path.split(".");
  if (head === "title" || head === "sourceRef" || head === "sourceKind") return [head];
  if (head !== "tasks" || index === undefined || !/^\d+$/.test(index)) return null;
  const name = field === "coUnitIds" || field === "coUnitGroupIds" ? "coUnits" : field;
  return name === "text" || name === "leadUnitId" || name === "coUnits" || name === "dueDate" ? ["tasks", Number(index), name] : null;
}

export function PlanNewPage() {
  const me = useMe();
  const trpc = useTRPC();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const units = useUnits();
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<string | null>(null);
  const kind = Form.useWatch("sourceKind", form) ?? "instruction";

  const create = useMutation(
    trpc.plan.create.mutationOptions({
      onSuccess: async (r) => {
        await queryClient.invalidateQueries(trpc.plan.pathFilter());
        await queryClient.invalidateQueries(trpc.task.pathFilter());
        void navigate(`/plans/${r.id}`);
      },
      onError: (e) => {
        const info = errorInfo(e);
        setError(info.message);
        const list = Object.entries(info.fields)
          .map(([path, msg]) => ({ name: fieldName(path), errors: [msg] }))
          .filter((f): f is { name: FieldName; errors: string[] } => f.name !== null);
        if (list.length > 0) form.setFields(list);
      },
    }),
  );

  const coOptions = useMemo(
    () => [
      { label: "单位分组", title: "单位分组", options: units.groups.map((g) => ({ value: `${GROUP}${g.id}`, label: `${g.name}（${g.memberIds.length} 个单位）` })) },
      { label: "单位", title: "单位", options: units.options },
    ],
    [units.groups, units.options],
  );

  if (!me.can.managePlans) return <Result status="403" title={<h1 className="page-title">无权立项</h1>} subTitle="手工立项由领导小组办公室办理。" />;

  const ref = SOURCE_REF_FIELDS[kind];
  return (
    <>
      <PageHeader title="手工立项" crumbs={[{ title: "工作方案", to: "/plans" }, { title: "手工立项" }]} />
      <Form<Values>
        form={form}
        name="plan-new"
        layout="vertical"
        initialValues={{ sourceKind: "instruction", tasks: [{}] }}
        scrollToFirstError
        onFinish={(v) => {
          setError(null);
          create.mutate(toDraft(v));
        }}
      >
        <Card title={<h2 className="card-title">立项信息</h2>} style={{ marginBottom: 16 }}>
          <p style={{ marginTop: 0, color: "rgba(0,0,0,0.7)" }}>领导批示、会议议定事项或建议提案需要督办的，在此立项；有正式工作方案文件的，请使用“导入方案”。</p>
          <Form.Item label="标题" name="title" rules={[{ required: true, whitespace: true, message: "请填写标题" }]} extra="如：关于做好老年人助餐服务的批示落实">
            <Input maxLength={300} />
          </Form.Item>
          <Form.Item label="立项来源" name="sourceKind" rules={[{ required: true, message: "请选择立项来源" }]}>
            <Radio.Group options={HAND_KINDS.map((k) => ({ value: k, label: PLAN_SOURCE_LABELS[k] }))} />
          </Form.Item>
          <Form.Item label={ref.label} name="sourceRef" extra="可不填">
            <Input maxLength={300} placeholder={ref.placeholder} />
          </Form.Item>
        </Card>
        <Card title={<h2 className="card-title">督办任务</h2>} style={{ marginBottom: 16 }}>
          <Form.List name="tasks">
            {(list, { add, remove }) => (
              <>
                {list.map((field, i) => (
                  <fieldset key={field.key} className="hand-task">
                    <legend>
                      {`任务 ${i + 1}`}
                      {list.length > 1 && <Button type="text" size="small" icon={<MinusCircleOutlined />} aria-label={`删除任务 ${i + 1}`} onClick={() => remove(field.name)} />}
                    </legend>
                    <Form.Item label="任务内容" name={[field.name, "text"]} rules={[{ required: true, whitespace: true, message: "请填写任务内容" }]}>
                      <Input.TextArea rows={3} maxLength={20000} />
                    </Form.Item>
                    <Form.Item label="牵头单位" name={[field.name, "leadUnitId"]} rules={[{ required: true, message: "请选择牵头单位" }]}>
                      <Select showSearch={{ optionFilterProp: "label" }} options={units.options} loading={units.isPending} placeholder="输入名称查找单位" />
                    </Form.Item>
                    <Form.Item label="责任单位" name={[field.name, "coUnits"]} extra="可选多个；选单位分组（如各街道办事处）即其全部成员单位">
                      <Select mode="multiple" showSearch={{ optionFilterProp: "label" }} options={coOptions} loading={units.isPending} placeholder="可不选" />
                    </Form.Item>
                    <Form.Item label="完成时限" name={[field.name, "dueDate"]} rules={[{ required: true, message: "请选择完成时限" }]}>
                      <DatePicker style={{ width: 200, maxWidth: "100%" }} />
                    </Form.Item>
                  </fieldset>
                ))}
                {list.length < 50 && (
                  <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({})} block>
                    添加任务
                  </Button>
                )}
              </>
            )}
          </Form.List>
        </Card>
        {error && <Alert type="error" showIcon role="alert" title="立项失败" description={error} style={{ marginBottom: 16 }} />}
        <div style={{ display: "flex", flexWrap: "wrap", gap: 8 }}>
          <Button type="primary" htmlType="submit" loading={create.isPending}>
            立项
          </Button>
          <Button onClick={() => void navigate("/plans")}>取消</Button>
        </div>
      </Form>
    </>
  );
}
