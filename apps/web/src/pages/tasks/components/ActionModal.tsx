// One modal per available action, with exactly the form its command needs (ZTaskCommand).
import { MinusCircleOutlined, PlusOutlined } from "@ant-design/icons";
import {
  RATING_LABELS,
  EVENT_DONE_LABELS,
  RATINGS,
  RESOLUTION_CLASS_LABELS,
  RESOLUTION_CLASSES,
  RETURN_REASON_LABELS,
  RETURN_REASONS,
  STAGE_LABELS,
  SUBMISSION_LABELS,
  type AvailableAction,
  type Rating,
  type ResolutionClass,
  type ReturnableStage,
  type ReturnReason,
  type TaskCommand,
} from "@duban/workflow/vocabulary";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, DatePicker, Form, Input, InputNumber, Modal, Radio, Select } from "antd";
import type { Dayjs } from "dayjs";
import { useState } from "react";
import { useUnits } from "../../../hooks/useUnits";
import { useToday } from "../../../lib/clock";
import { applyFieldErrors, errorInfo } from "../../../lib/errors";
import { type RouterOutputs, useTRPC } from "../../../trpc";
import { FileUpload, type UploadedFile } from "./FileUpload";

export type TaskDetail = RouterOutputs["task"]["get"];

interface Values {
  text?: string;
  comment?: string;
  reason?: string;
  files?: UploadedFile[];
  resolutionClass?: ResolutionClass;
  toStage?: ReturnableStage;
  returnReason?: ReturnReason;
  requestedDueDate?: Dayjs;
  granted?: "yes" | "no";
  items?: string[];
  itemId?: string;
  unitId?: string;
  rating?: Rating;
  percent?: number | null;
  leadUnitId?: string;
  coUnitIds?: string[];
  parts?: { unitId?: string; text?: string; dueDate?: Dayjs | null }[];
}

const required = (message: string) => [{ required: true, whitespace: true, message }];
const opt = (s: string | undefined) => (s !== undefined && s.trim() !== "" ? s.trim() : undefined);
const hashes = (files: UploadedFile[] | undefined) => (files && files.length > 0 ? files.map((f) => f.sha256) : undefined);

/** Builds the command from the form. Optional fields are left out, never sent empty. */
function toCommand(type: AvailableAction["type"], v: Values): TaskCommand {
  const comment = opt(v.comment);
  const withComment = comment !== undefined ? { comment } : {};
  const fileHashes = hashes(v.files);
  const withFiles = fileHashes ? { fileHashes } : {};
  switch (type) {
    case "SIGN":
    case "WITHDRAW":
    case "PASS_INSPECTION":
    case "CLOSE_EVALUATION":
    case "ACKNOWLEDGE":
      return { type, ...withComment };
    case "APPROVE":
      return { type, ...withComment, ...(v.resolutionClass ? { resolutionClass: v.resolutionClass } : {}) };
    case "URGE":
      return { type, ...(opt(v.text) !== undefined ? { text: opt(v.text) as string } : {}) };
    case "REQUEST_REASSIGN":
      return { type, reason: v.reason ?? "" };
    case "TERMINATE":
    case "WAIVE_PART":
      return { type, reason: v.reason ?? "" };
    case "SPLIT":
      return {
        type,
        parts: (v.parts ?? []).map((p) => ({ text: p.text ?? "", leadUnitId: p.unitId ?? "", ...(p.dueDate ? { dueDate: p.dueDate.format("YYYY-MM-DD") } : {}) })),
        ...withComment,
      };
    case "REFUSE_REASSIGN":
      return { type, comment: v.comment ?? "" };
    case "INSTRUCT":
      return { type, text: v.text ?? "" };
    case "REASSIGN":
      return { type, leadUnitId: v.leadUnitId ?? "", coUnitIds: (v.coUnitIds ?? []).filter((id) => id !== v.leadUnitId), ...withComment };
    case "SUBMIT":
      return { type, text: v.text ?? "", ...withFiles, ...(v.resolutionClass ? { resolutionClass: v.resolutionClass } : {}) };
    case "RETURN":
      return { type, toStage: v.toStage as ReturnableStage, reason: v.returnReason as ReturnReason, text: v.text ?? "" };
    case "REPORT_PROGRESS":
      return { type, text: v.text ?? "", ...withFiles, ...(typeof v.percent === "number" ? { percent: v.percent } : {}) };
    case "SUBMIT_CONTRIBUTION":
      return { type, text: v.text ?? "", ...withFiles };
    case "ACCEPT_CONTRIBUTION":
      return { type, unitId: v.unitId ?? "", ...withComment };
    case "RETURN_CONTRIBUTION":
      return { type, unitId: v.unitId ?? "", reason: v.returnReason as ReturnReason, text: v.text ?? "" };
    case "WAIVE_CONTRIBUTION":
      return { type, unitId: v.unitId ?? "", text: v.text ?? "" };
    case "REQUEST_EXTENSION":
      return { type, requestedDueDate: v.requestedDueDate ? v.requestedDueDate.format("YYYY-MM-DD") : "", reason: v.reason ?? "" };
    case "DECIDE_EXTENSION":
      return { type, granted: v.granted === "yes", ...withComment };
    case "RECORD_INSPECTION":
      return { type, text: v.text ?? "", items: (v.items ?? []).map((s) => s.trim()).filter((s) => s !== "") };
    case "RECTIFY":
      return { type, itemId: v.itemId ?? "", text: v.text ?? "", ...withFiles };
    case "CLOSE_ITEM":
      return { type, itemId: v.itemId ?? "", ...withComment };
    case "RATE":
      return { type, rating: v.rating as Rating, ...withComment };
  }
}

/** Server field names that differ from the form's. */
function fieldOf(type: AvailableAction["type"], path: string): string | null {
  const parts = path.split(".");
  if (parts[0] === "event") parts.shift();
  const name = parts[0] ?? null;
  if (name === "fileHashes") return "files";
  if (name === "reason" && (type === "RETURN" || type === "RETURN_CONTRIBUTION")) return "returnReason";
  return name;
}

const DESCRIPTIONS: Partial<Record<AvailableAction["type"], string>> = {
  SIGN: "签收后，本单位即承办此任务，并开始制定办理方案。",
  WITHDRAW: "撤回已提交、尚未审核的材料，撤回后可修改再提交。",
  PASS_INSPECTION: "确认检查通过，任务进入总结阶段。所有整改事项须已销号。",
  CLOSE_EVALUATION: "结束满意度测评：满意或基本满意则办结；不满意则重新办理。",
  ACKNOWLEDGE: "确认已收到催办通知或领导批示。",
  URGE: "向牵头单位发出催办提醒。",
  SPLIT: "将任务分解给下级单位或责任单位办理。子任务由本单位审核；其完成时限不得晚于本任务。本任务的办结报告须待子任务完成（或免除）后提交。",
  WAIVE_PART: "免除后，上级任务提交办结报告时不再等待此子任务。此操作记入审计日志。",
};

export function ActionModal({
  action,
  detail,
  open,
  onClose,
  onConflict,
}: {
  action: AvailableAction;
  detail: TaskDetail;
  open: boolean;
  onClose: () => void;
  onConflict: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const units = useUnits();
  const today = useToday();
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<{ message: string; conflict: boolean } | null>(null);
  const type = action.type;
  const stage = detail.task.stage;
  const still = detail.availableActions.some((a) => a.type === type && !a.blocked);

  const transition = useMutation(
    trpc.task.transition.mutationOptions({
      onSuccess: async () => {
        message.success(EVENT_DONE_LABELS[action.type]);
        setError(null);
        onClose();
        await Promise.all([
          queryClient.invalidateQueries(trpc.task.pathFilter()),
          queryClient.invalidateQueries(trpc.plan.pathFilter()),
        ]);
      },
      onError: (e) => {
        const info = errorInfo(e);
        const conflict = info.code === "CONFLICT";
        setError({
          message: conflict ? `${info.message}。页面已更新为最新状态，您填写的内容已保留，请核对后再提交。` : info.message,
          conflict,
        });
        applyFieldErrors(form, e, (p) => fieldOf(type, p));
        if (conflict) onConflict();
      },
    }),
  );

  const submit = (values: Values) => {
    setError(null);
    transition.mutate({ taskId: detail.task.id, expectedVersion: detail.task.version, event: toCommand(type, values) });
  };

  const itemLabel = (id: string) => {
    const item = detail.rectificationItems.find((i) => i.id === id);
    return item ? `第${item.ordinal}项：${item.description}` : id;
  };
  const unitLabel = (id: string) => detail.contributions.find((c) => c.unitId === id)?.unitName ?? units.nameOf(id);

  const initialValues: Values = {
    ...(type === "APPROVE" && detail.resolutionClass ? { resolutionClass: detail.resolutionClass } : {}),
    ...(type === "RETURN" && action.returnTargets?.length === 1 ? { toStage: action.returnTargets[0] } : {}),
    ...(type === "RECORD_INSPECTION" ? { items: [] } : {}),
    ...((type === "RECTIFY" || type === "CLOSE_ITEM") && action.itemIds?.length === 1 ? { itemId: action.itemIds[0] } : {}),
    ...(type.endsWith("_CONTRIBUTION") && action.unitIds?.length === 1 ? { unitId: action.unitIds[0] } : {}),
    ...(type === "SPLIT" ? { parts: [{}, {}] } : {}),
    ...(type === "REASSIGN" ? { leadUnitId: detail.task.leadUnit?.id, coUnitIds: detail.task.coUnits.map((u) => u.id) } : {}),
  };

  const textLabel = (() => {
    switch (type) {
      case "SUBMIT":
        return stage in SUBMISSION_LABELS ? SUBMISSION_LABELS[stage as keyof typeof SUBMISSION_LABELS] : "提交内容";
      case "RETURN":
      case "RETURN_CONTRIBUTION":
        return "退回说明";
      case "REPORT_PROGRESS":
        return "进度情况";
      case "SUBMIT_CONTRIBUTION":
        return "协办意见";
      case "WAIVE_CONTRIBUTION":
        return "免除理由";
      case "RECORD_INSPECTION":
        return "检查情况";
      case "RECTIFY":
        return "整改情况";
      case "INSTRUCT":
        return "批示内容";
      case "URGE":
        return "催办说明";
      default:
        return "说明";
    }
  })();

  const fields = (() => {
    const text = (requiredText: boolean, rows = 5) => (
      <Form.Item label={textLabel} name="text" rules={requiredText ? required(`请填写${textLabel}`) : []}>
        <Input.TextArea rows={rows} maxLength={type === "SUBMIT" || type === "REPORT_PROGRESS" || type === "RECORD_INSPECTION" || type === "RECTIFY" || type === "SUBMIT_CONTRIBUTION" ? 20000 : 2000} showCount />
      </Form.Item>
    );
    const comment = (label = "意见（可选）") => (
      <Form.Item label={label} name="comment">
        <Input.TextArea rows={3} maxLength={2000} showCount />
      </Form.Item>
    );
    const files = (
      <Form.Item label="附件（证明材料）" name="files" extra="支持 PDF、图片（PNG/JPG）、Word、Excel 文件，最多 20 个">
        <FileUpload />
      </Form.Item>
    );
    const reason = (label: string) => (
      <Form.Item label={label} name="reason" rules={required(`请填写${label}`)}>
        <Input.TextArea rows={4} maxLength={2000} showCount />
      </Form.Item>
    );
    const returnReason = (
      <Form.Item label="退回原因" name="returnReason" rules={[{ required: true, message: "请选择退回原因" }]}>
        <Select placeholder="请选择退回原因" options={RETURN_REASONS.map((r) => ({ value: r, label: RETURN_REASON_LABELS[r] }))} />
      </Form.Item>
    );
    const unitSelect = (
      <Form.Item label="协办单位" name="unitId" rules={[{ required: true, message: "请选择协办单位" }]}>
        <Select placeholder="请选择单位" options={(action.unitIds ?? []).map((id) => ({ value: id, label: unitLabel(id) }))} />
      </Form.Item>
    );
    const itemSelect = (
      <Form.Item label="整改事项" name="itemId" rules={[{ required: true, message: "请选择整改事项" }]}>
        <Select placeholder="请选择整改事项" options={(action.itemIds ?? []).map((id) => ({ value: id, label: itemLabel(id) }))} />
      </Form.Item>
    );
    const resolution = (isRequired: boolean) => (
      <Form.Item
        label="办理结果分类"
        name="resolutionClass"
        rules={isRequired ? [{ required: true, message: "请选择办理结果分类" }] : []}
        extra={isRequired ? undefined : "如需调整单位自评的分类，请重新选择"}
      >
        <Radio.Group style={{ display: "flex", flexDirection: "column", gap: 4 }} options={RESOLUTION_CLASSES.map((c) => ({ value: c, label: RESOLUTION_CLASS_LABELS[c] }))} />
      </Form.Item>
    );
    switch (type) {
      case "SIGN":
      case "WITHDRAW":
      case "PASS_INSPECTION":
      case "CLOSE_EVALUATION":
      case "ACKNOWLEDGE":
        return comment();
      case "APPROVE":
        return (
          <>
            {stage === "summarize" && resolution(false)}
            {comment("审核意见（可选）")}
          </>
        );
      case "URGE":
        return text(false, 3);
      case "INSTRUCT":
        return text(true, 4);
      case "REQUEST_REASSIGN":
        return reason("改派理由");
      case "TERMINATE":
        return reason("终止理由");
      case "WAIVE_PART":
        return reason("免除理由");
      case "SPLIT":
        return (
          <>
            <Form.List name="parts">
              {(list, { add, remove }) => (
                <>
                  {list.map((field, i) => (
                    <fieldset key={field.key} style={{ border: "1px solid #f0f0f0", borderRadius: 6, padding: "8px 12px", marginBottom: 12 }}>
                      <legend style={{ fontSize: 14, width: "auto", padding: "0 4px", margin: 0, border: 0 }}>
                        {`子任务 ${i + 1}`}
                        {list.length > 1 && (
                          <Button type="text" size="small" icon={<MinusCircleOutlined />} aria-label={`删除子任务 ${i + 1}`} onClick={() => remove(field.name)} />
                        )}
                      </legend>
                      <Form.Item label="承办单位" name={[field.name, "unitId"]} rules={[{ required: true, message: "请选择承办单位" }]}>
                        <Select
                          showSearch={{ optionFilterProp: "label" }}
                          placeholder="下级单位或责任单位"
                          options={detail.splittableUnits.map((u) => ({ value: u.id, label: u.name }))}
                        />
                      </Form.Item>
                      <Form.Item label="任务内容" name={[field.name, "text"]} rules={required("请填写子任务内容")}>
                        <Input.TextArea rows={2} maxLength={20000} />
                      </Form.Item>
                      <Form.Item
                        label="完成时限"
                        name={[field.name, "dueDate"]}
                        extra={detail.task.dueDate ? `不填则与本任务相同（${detail.task.dueDate}），不得晚于此日期` : "不填则不设时限"}
                      >
                        <DatePicker style={{ width: 200 }} disabledDate={(d) => (detail.task.dueDate ? d.format("YYYY-MM-DD") > detail.task.dueDate : false)} />
                      </Form.Item>
                    </fieldset>
                  ))}
                  <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({})} block style={{ marginBottom: 16 }}>
                    添加子任务
                  </Button>
                </>
              )}
            </Form.List>
            {comment("分解说明（可选）")}
          </>
        );
      case "REFUSE_REASSIGN":
        return (
          <Form.Item label="不同意改派的理由" name="comment" rules={required("请填写不同意改派的理由")}>
            <Input.TextArea rows={4} maxLength={2000} showCount />
          </Form.Item>
        );
      case "REASSIGN":
        return (
          <>
            <Form.Item label="牵头单位" name="leadUnitId" rules={[{ required: true, message: "请选择牵头单位" }]}>
              <Select showSearch={{ optionFilterProp: "label" }} options={units.options} placeholder="请选择牵头单位" />
            </Form.Item>
            <Form.Item label="责任单位" name="coUnitIds">
              <Select mode="multiple" showSearch={{ optionFilterProp: "label" }} options={units.options} placeholder="可选多个" />
            </Form.Item>
            {comment("改派说明（可选）")}
          </>
        );
      case "SUBMIT":
        return (
          <>
            {text(true, 8)}
            {stage === "summarize" && resolution(true)}
            {files}
          </>
        );
      case "RETURN":
        return (
          <>
            <Form.Item label="退回到" name="toStage" rules={[{ required: true, message: "请选择退回到的阶段" }]}>
              <Select placeholder="请选择阶段" options={(action.returnTargets ?? []).map((s) => ({ value: s, label: `${STAGE_LABELS[s]}阶段` }))} />
            </Form.Item>
            {returnReason}
            {text(true, 4)}
          </>
        );
      case "REPORT_PROGRESS":
        return (
          <>
            {text(true, 6)}
            <Form.Item label="完成进度（%）" name="percent">
              <InputNumber min={0} max={100} precision={0} style={{ width: 160 }} />
            </Form.Item>
            {files}
          </>
        );
      case "SUBMIT_CONTRIBUTION":
        return (
          <>
            {text(true, 6)}
            {files}
          </>
        );
      case "ACCEPT_CONTRIBUTION":
        return (
          <>
            {unitSelect}
            {comment()}
          </>
        );
      case "RETURN_CONTRIBUTION":
        return (
          <>
            {unitSelect}
            {returnReason}
            {text(true, 4)}
          </>
        );
      case "WAIVE_CONTRIBUTION":
        return (
          <>
            {unitSelect}
            {text(true, 3)}
          </>
        );
      case "REQUEST_EXTENSION":
        return (
          <>
            <Form.Item label="申请延期至" name="requestedDueDate" rules={[{ required: true, message: "请选择新的完成日期" }]} extra={detail.task.dueDate ? `当前完成时限：${detail.task.dueDate}` : undefined}>
              <DatePicker style={{ width: 200 }} disabledDate={(d) => d.format("YYYY-MM-DD") < today} />
            </Form.Item>
            {reason("延期理由")}
          </>
        );
      case "DECIDE_EXTENSION":
        return (
          <>
            {detail.extensionRequest && (
              <Alert
                type="info"
                style={{ marginBottom: 16 }}
                title={`申请延期至 ${detail.extensionRequest.requestedDueDate}`}
                description={`理由：${detail.extensionRequest.reason}`}
              />
            )}
            <Form.Item label="审批结果" name="granted" rules={[{ required: true, message: "请选择同意或不同意" }]}>
              <Radio.Group options={[{ value: "yes", label: "同意延期" }, { value: "no", label: "不同意" }]} />
            </Form.Item>
            {comment("审批意见（可选）")}
          </>
        );
      case "RECORD_INSPECTION":
        return (
          <>
            {text(true, 5)}
            <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
              <legend style={{ fontSize: 14, marginBottom: 8 }}>整改事项（检查发现的问题，逐项列出；无问题可不填）</legend>
              <Form.List name="items">
                {(list, { add, remove }) => (
                  <>
                    {list.map((field, i) => (
                      <div key={field.key} style={{ display: "flex", gap: 8, alignItems: "flex-start" }}>
                        <Form.Item name={field.name} label={`第 ${i + 1} 项`} rules={required("请填写整改事项或删除此行")} style={{ flex: 1, marginBottom: 12 }}>
                          <Input.TextArea rows={2} maxLength={2000} />
                        </Form.Item>
                        <Button type="text" icon={<MinusCircleOutlined />} aria-label={`删除第 ${i + 1} 项整改事项`} onClick={() => remove(field.name)} style={{ marginTop: 30 }} />
                      </div>
                    ))}
                    <Button type="dashed" icon={<PlusOutlined />} onClick={() => add("")} block style={{ marginBottom: 16 }}>
                      添加整改事项
                    </Button>
                  </>
                )}
              </Form.List>
            </fieldset>
          </>
        );
      case "RECTIFY":
        return (
          <>
            {itemSelect}
            {text(true, 5)}
            {files}
          </>
        );
      case "CLOSE_ITEM":
        return (
          <>
            {itemSelect}
            {comment("销号意见（可选）")}
          </>
        );
      case "RATE":
        return (
          <>
            <Form.Item label="测评结果" name="rating" rules={[{ required: true, message: "请选择测评结果" }]}>
              <Radio.Group options={RATINGS.map((r) => ({ value: r, label: RATING_LABELS[r] }))} />
            </Form.Item>
            {comment("测评意见（可选）")}
          </>
        );
    }
  })();

  const title = type === "SUBMIT" && stage in SUBMISSION_LABELS ? `提交${SUBMISSION_LABELS[stage as keyof typeof SUBMISSION_LABELS]}` : action.label;
  const danger = type === "TERMINATE" || type === "RETURN" || type === "RETURN_CONTRIBUTION" || type === "WAIVE_PART";

  return (
    <Modal
      open={open}
      title={title}
      onCancel={() => {
        if (!transition.isPending) onClose();
      }}
      destroyOnHidden
      mask={{ closable: false }}
      width={640}
      footer={[
        <Button key="cancel" onClick={onClose} disabled={transition.isPending}>
          取消
        </Button>,
        <Button key="ok" type="primary" danger={danger} loading={transition.isPending} disabled={!still} onClick={() => form.submit()}>
          {`确认${action.label}`}
        </Button>,
      ]}
    >
      {DESCRIPTIONS[type] && <p>{DESCRIPTIONS[type]}</p>}
      {!still && <Alert type="warning" showIcon title="任务状态已变化，此操作当前不可用。请关闭后查看最新状态。" style={{ marginBottom: 16 }} />}
      {error && (
        <Alert type={error.conflict ? "warning" : "error"} showIcon title={error.conflict ? "已有他人先处理了此任务" : "操作未成功"} description={error.message} style={{ marginBottom: 16 }} role="alert" />
      )}
      <Form<Values> form={form} layout="vertical" initialValues={initialValues} onFinish={submit} preserve>
        {fields}
      </Form>
    </Modal>
  );
}
