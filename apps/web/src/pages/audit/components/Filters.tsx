// The audit log's filter controls (the live log's and the archived periods'): the task picker, and
// the wrapper that gives a control its width inside an inline Form.Item.
import { useQuery } from "@tanstack/react-query";
import { Button, Form, Select, Space } from "antd";
import { cloneElement, useDeferredValue, useState } from "react";
import { useTRPC } from "../../../trpc";

/** Gives a form control its width while passing the Form.Item's value and onChange through. */
export function ControlWidth({ width, children, ...props }: { width: number; children: React.ReactElement<Record<string, unknown>> }) {
  // The control keeps its own id: the Form.Item's label points at it by htmlFor.
  return cloneElement(children, { ...props, id: children.props.id ?? (props as { id?: unknown }).id, style: { width, maxWidth: "100%" } });
}

/** The task filter: type a number or words, pick the task from the matches. */
export function TaskPicker({ id, value, onChange, style }: { id: string; value?: string; onChange?: (v: string | undefined) => void; style?: React.CSSProperties }) {
  const trpc = useTRPC();
  const [q, setQ] = useState("");
  const query = useDeferredValue(q.trim());
  const found = useQuery({ ...trpc.audit.findTasks.queryOptions({ q: query }), enabled: query.length > 0 });
  const [picked, setPicked] = useState<{ value: string; label: string } | null>(null);
  const options = (found.data ?? []).map((t) => ({ value: t.id, label: `${t.number}\u3000${t.text}` }));
  if (picked && !options.some((o) => o.value === picked.value)) options.unshift(picked);
  return (
    <Select
      id={id}
      allowClear
      showSearch={{ filterOption: false, onSearch: setQ }}
      value={value}
      onChange={(v: string | undefined) => {
        setPicked(options.find((o) => o.value === v) ?? null);
        onChange?.(v);
      }}
      placeholder="输入序号或内容查找"
      notFoundContent={query.length === 0 ? "输入序号或内容" : found.isFetching ? "正在查找…" : "暂无数据"}
      options={options}
      popupMatchSelectWidth={false}
      style={style}
    />
  );
}

/**
 * The filter form's fields: a label whose htmlFor points at the control (`<idPrefix>-<name>`, the
 * control's own id), the control at its width.
 */
export function filterField<Name extends string>(idPrefix: string) {
  return (label: string, name: Name, control: React.ReactElement<Record<string, unknown>>, width = 180) => (
    <Form.Item label={label} name={name as string} htmlFor={`${idPrefix}-${name}`} style={{ marginBottom: 8, maxWidth: "100%" }}>
      <ControlWidth width={width}>{control}</ControlWidth>
    </Form.Item>
  );
}

/** 查询 (submits the form) and 重置 (clears it and the applied filters). */
export function FilterActions({ onReset }: { onReset: () => void }) {
  return (
    <Form.Item style={{ marginBottom: 8 }}>
      <Space>
        <Button type="primary" htmlType="submit">
          查询
        </Button>
        <Button onClick={onReset}>重置</Button>
      </Space>
    </Form.Item>
  );
}
