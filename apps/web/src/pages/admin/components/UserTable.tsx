// The searchable account table both admin pages start from: who the user is (name, role, unit);
// each page adds its own columns (account state and edits, or the second factor).
import { ROLE_LABELS } from "@duban/workflow/vocabulary";
import { Input } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useState } from "react";
import { cardFromColumns, ResponsiveTable } from "../../../components/ResponsiveTable";
import { useUnits } from "../../../hooks/useUnits";
import type { RouterOutputs } from "../../../trpc";

export type User = RouterOutputs["user"]["list"][number];

export function UserTable({ label, minWidth, users, loading, extraColumns }: { label: string; minWidth: number; users: User[]; loading: boolean; extraColumns: ColumnsType<User> }) {
  const units = useUnits();
  const [text, setText] = useState("");
  const q = text.trim().toLowerCase();
  const columns: ColumnsType<User> = [
    { title: "用户名", dataIndex: "username", width: 130 },
    { title: "姓名", dataIndex: "displayName", width: 150 },
    { title: "角色", key: "role", width: 140, render: (_, u) => ROLE_LABELS[u.role] },
    { title: "所属单位", key: "unit", render: (_, u) => (u.unitId ? units.nameOf(u.unitId) : "—") },
    ...extraColumns,
  ];
  const rows = users.filter((u) => q === "" || u.username.toLowerCase().includes(q) || u.displayName.toLowerCase().includes(q) || units.nameOf(u.unitId).includes(q));
  return (
    <>
      <div style={{ marginBottom: 16, maxWidth: 320 }}>
        <Input.Search aria-label="搜索用户（用户名、姓名或单位）" placeholder="搜索用户名、姓名或单位" allowClear value={text} onChange={(e) => setText(e.target.value)} />
      </div>
      <ResponsiveTable<User>
        label={label}
        minWidth={minWidth}
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={rows}
        pagination={{ pageSize: 20, showSizeChanger: false }}
        columns={columns}
        card={cardFromColumns(columns)}
      />
    </>
  );
}
