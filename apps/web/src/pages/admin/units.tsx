// 单位管理 (system administrator): the unit tree (moves, import from .xlsx), units with aliases and
// kind; unit groups with members.
import { EditOutlined, PlusOutlined, UploadOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Card, Form, Input, Modal, Result, Select, Tag } from "antd";
import { useCallback, useMemo, useState } from "react";
import { useMe } from "../../auth";
import { PageHeader } from "../../components/PageHeader";
import type { ColumnsType } from "antd/es/table";
import { cardFromColumns, ResponsiveTable } from "../../components/ResponsiveTable";
import { useUnits } from "../../hooks/useUnits";
import { applyFieldErrors, errorInfo } from "../../lib/errors";
import { type RouterOutputs, useTRPC } from "../../trpc";
import { flattenTree, KIND_LABELS, ParentSelect, TOP, UnitTreeCard } from "./components/UnitTree";

type Unit = RouterOutputs["unit"]["list"]["units"][number];
type Group = RouterOutputs["unit"]["list"]["groups"][number];
type Kind = Unit["kind"];


interface UnitValues {
  name: string;
  kind: Kind;
  aliases: string[];
  /** only when creating: where the new unit sits in the tree */
  parentId?: string;
}
interface GroupValues {
  name: string;
  aliases: string[];
  memberIds: string[];
}

function UnitModal({ unit, onClose }: { unit: Unit | null; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<UnitValues>();
  const [error, setError] = useState<string | null>(null);
  const opts = {
    onSuccess: async () => {
      message.success(unit ? "单位已保存" : "单位已创建");
      await queryClient.invalidateQueries(trpc.unit.pathFilter());
      onClose();
    },
    onError: (e: unknown) => {
      setError(errorInfo(e).message);
      applyFieldErrors(form, e);
    },
  };
  const create = useMutation(trpc.unit.create.mutationOptions(opts));
  const update = useMutation(trpc.unit.update.mutationOptions(opts));
  const tree = useQuery({ ...trpc.unit.tree.queryOptions(), enabled: unit === null });
  const flat = useMemo(() => flattenTree(tree.data ?? []), [tree.data]);
  const pending = create.isPending || update.isPending;
  return (
    <Modal
      open
      title={unit ? `编辑单位：${unit.name}` : "新建单位"}
      onCancel={onClose}
      mask={{ closable: false }}
      okText="保存"
      cancelText="取消"
      confirmLoading={pending}
      onOk={() => form.submit()}
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" />}
      <Form<UnitValues>
        form={form}
        layout="vertical"
        initialValues={unit ? { name: unit.name, kind: unit.kind, aliases: unit.aliases } : { kind: "department", aliases: [], parentId: TOP }}
        onFinish={(v) => {
          setError(null);
          if (unit) update.mutate({ unitId: unit.id, name: v.name, kind: v.kind, aliases: v.aliases });
          else create.mutate({ name: v.name, kind: v.kind, aliases: v.aliases, parentId: v.parentId === undefined || v.parentId === TOP ? null : v.parentId });
        }}
      >
        <Form.Item label="单位名称" name="name" rules={[{ required: true, whitespace: true, message: "请填写单位名称" }]}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item label="单位类型" name="kind" rules={[{ required: true, message: "请选择单位类型" }]}>
          <Select options={Object.entries(KIND_LABELS).map(([value, label]) => ({ value, label }))} />
        </Form.Item>
        <Form.Item label="别名" name="aliases" extra="方案中对该单位的其他写法，如简称。输入后按回车添加。">
          <Select mode="tags" tokenSeparators={[",", "，", "、"]} open={false} suffixIcon={null} placeholder="输入别名后按回车" />
        </Form.Item>
        {unit === null && (
          <Form.Item label="上级单位" name="parentId" htmlFor="new-unit-parent">
            <ParentSelect id="new-unit-parent" flat={flat} />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

function GroupModal({ group, onClose }: { group: Group | null; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const units = useUnits();
  const [form] = Form.useForm<GroupValues>();
  const [error, setError] = useState<string | null>(null);
  const save = useMutation(
    trpc.unit.saveGroup.mutationOptions({
      onSuccess: async () => {
        message.success("单位分组已保存");
        await queryClient.invalidateQueries(trpc.unit.pathFilter());
        onClose();
      },
      onError: (e) => {
        setError(errorInfo(e).message);
        applyFieldErrors(form, e);
      },
    }),
  );
  return (
    <Modal open title={group ? `编辑分组：${group.name}` : "新建单位分组"} onCancel={onClose} mask={{ closable: false }} okText="保存" cancelText="取消" confirmLoading={save.isPending} onOk={() => form.submit()} width={640}>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" />}
      <Form<GroupValues>
        form={form}
        layout="vertical"
        initialValues={group ? { name: group.name, aliases: group.aliases, memberIds: group.memberIds } : { aliases: [], memberIds: [] }}
        onFinish={(v) => {
          setError(null);
          save.mutate({ ...(group ? { groupId: group.id } : {}), name: v.name, aliases: v.aliases, memberIds: v.memberIds });
        }}
      >
        <Form.Item label="分组名称" name="name" rules={[{ required: true, whitespace: true, message: "请填写分组名称" }]} extra="如：各街道办事处、领导小组各成员单位">
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item label="别名" name="aliases">
          <Select mode="tags" tokenSeparators={[",", "，", "、"]} open={false} suffixIcon={null} placeholder="输入别名后按回车" />
        </Form.Item>
        <Form.Item label="成员单位" name="memberIds">
          <Select mode="multiple" showSearch={{ optionFilterProp: "label" }} options={units.options} placeholder="选择成员单位" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function AdminUnitsPage() {
  const me = useMe();
  const units = useUnits();
  const [editUnit, setEditUnit] = useState<Unit | null | undefined>(undefined);
  const [editGroup, setEditGroup] = useState<Group | null | undefined>(undefined);
  const [importOpen, setImportOpen] = useState(false);
  const aliasesById = useMemo(() => new Map(units.units.map((u) => [u.id, u.aliases])), [units.units]);
  const aliasesOf = useCallback((id: string) => aliasesById.get(id) ?? [], [aliasesById]);
  if (!me.can.manageUnits) return <Result status="403" title={<h1 className="page-title">无权管理单位</h1>} subTitle="单位管理仅系统管理员可以使用。" />;
  const groupColumns: ColumnsType<Group> = [
    { title: "分组名称", dataIndex: "name", key: "name", width: 200 },
    { title: "别名", key: "aliases", width: 200, render: (_, g) => (g.aliases.length ? g.aliases.map((a) => <Tag key={a}>{a}</Tag>) : "—") },
    { title: "成员单位", key: "members", render: (_, g) => <span className="clamp-2">{`${g.memberIds.length} 个：${g.memberIds.map((id) => units.nameOf(id)).join("、")}`}</span> },
    {
      title: "操作",
      key: "actions",
      width: 90,
      render: (_, g) => (
        <Button size="small" icon={<EditOutlined />} onClick={() => setEditGroup(g)} aria-label={`编辑分组 ${g.name}`}>
          编辑
        </Button>
      ),
    },
  ];
  return (
    <>
      <PageHeader
        title="单位管理"
        extra={
          <>
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditUnit(null)}>
              新建单位
            </Button>
            <Button icon={<PlusOutlined />} onClick={() => setEditGroup(null)}>
              新建单位分组
            </Button>
            <Button icon={<UploadOutlined />} onClick={() => setImportOpen(true)}>
              导入单位层级
            </Button>
          </>
        }
      />
      {units.isError && <Alert type="error" showIcon title="加载失败" description={errorInfo(units.error).message} style={{ marginBottom: 16 }} />}
      <UnitTreeCard
        onEdit={(id) => setEditUnit(units.units.find((u) => u.id === id) ?? undefined)}
        aliasesOf={aliasesOf}
        importOpen={importOpen}
        onImportClose={() => setImportOpen(false)}
      />
      <Card title={<h2 className="card-title">单位分组（{units.groups.length}）</h2>}>
        <ResponsiveTable<Group>
          label="单位分组"
          minWidth={720}
          rowKey="id"
          size="small"
          loading={units.isPending}
          dataSource={units.groups}
          pagination={false}
          columns={groupColumns}
          card={cardFromColumns(groupColumns)}
        />
      </Card>
      {editUnit !== undefined && <UnitModal unit={editUnit} onClose={() => setEditUnit(undefined)} />}
      {editGroup !== undefined && <GroupModal group={editGroup} onClose={() => setEditGroup(undefined)} />}
    </>
  );
}
