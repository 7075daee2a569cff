// 单位层级 (层层分解): the units as a tree (区 → 街道 → 社区; 局 → 科室), moving a unit under another
// (the server refuses a cycle and says why), and importing the whole tree from an .xlsx sheet.
import { ApartmentOutlined, EditOutlined, UploadOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Card, Empty, Form, Input, Modal, Select, Space, Tag, Tree } from "antd";
import { useMemo, useRef, useState } from "react";
import { PageLoading } from "../../../components/PageLoading";
import { fileToBase64 } from "../../../lib/download";
import { errorInfo } from "../../../lib/errors";
import { type RouterOutputs, useTRPC } from "../../../trpc";

export type UnitNode = RouterOutputs["unit"]["tree"][number];
type Kind = UnitNode["kind"];

export const KIND_LABELS: Record<Kind, string> = { office: "领导小组办公室", department: "政府部门", street: "街道办事处", company: "企业", other: "其他" };

/** Above this many units the tree gets a search box, and above VIRTUAL_FROM it renders only the rows in view. */
const SEARCH_FROM = 15;
const VIRTUAL_FROM = 300;

/** The value of "无（顶级）" in a parent select (the API takes null). */
export const TOP = "__top__";

interface FlatUnit {
  id: string;
  name: string;
  depth: number;
  parentId: string | null;
  hasChildren: boolean;
}

/** The forest in document order, each unit with its depth and parent. */
export function flattenTree(nodes: readonly UnitNode[], depth = 0, parentId: string | null = null, out: FlatUnit[] = []): FlatUnit[] {
  for (const n of nodes) {
    out.push({ id: n.id, name: n.name, depth, parentId, hasChildren: n.children.length > 0 });
    flattenTree(n.children, depth + 1, n.id, out);
  }
  return out;
}

/** A unit and every unit below it: in document order a subtree is the run of deeper units after it. */
export function subtreeOf(flat: readonly FlatUnit[], unitId: string): Set<string> {
  const at = flat.findIndex((u) => u.id === unitId);
  const out = new Set<string>();
  if (at < 0) return out;
  const depth = (flat[at] as FlatUnit).depth;
  out.add(unitId);
  for (let i = at + 1; i < flat.length && (flat[i] as FlatUnit).depth > depth; i++) out.add((flat[i] as FlatUnit).id);
  return out;
}

/** Units whose name or alias contains `query`, with their ancestors (so the tree shows where they sit). */
export function matchingUnits(flat: readonly FlatUnit[], query: string, aliasesOf: (unitId: string) => string[]): { shown: Set<string>; matched: number } {
  const q = query.trim();
  const shown = new Set<string>();
  let matched = 0;
  const parentOf = new Map(flat.map((u) => [u.id, u.parentId]));
  for (const u of flat) {
    if (!u.name.includes(q) && !aliasesOf(u.id).some((a) => a.includes(q))) continue;
    matched++;
    for (let id: string | null | undefined = u.id; id && !shown.has(id); id = parentOf.get(id)) shown.add(id);
  }
  return { shown, matched };
}

/** The units as select options, indented by depth, "无（顶级）" first; `except` and the units below it are
 *  left out (a unit cannot sit under its own sub-unit: the server refuses the cycle too). */
export function ParentSelect({ flat, except, value, onChange, id }: { flat: FlatUnit[]; except?: string; value?: string; onChange?: (v: string) => void; id?: string }) {
  const options = useMemo(() => {
    const excluded = except === undefined ? new Set<string>() : subtreeOf(flat, except);
    return [{ value: TOP, label: "无（顶级）", depth: 0 }, ...flat.filter((u) => !excluded.has(u.id)).map((u) => ({ value: u.id, label: u.name, depth: u.depth }))];
  }, [flat, except]);
  return (
    <Select
      id={id}
      value={value}
      onChange={onChange}
      showSearch={{ optionFilterProp: "label" }}
      placeholder="输入名称查找上级单位"
      options={options}
      optionRender={(o) => <span style={{ paddingInlineStart: (o.data.depth ?? 0) * 14, whiteSpace: "normal" }}>{o.data.label}</span>}
    />
  );
}

function ParentModal({ unit, flat, onClose }: { unit: FlatUnit; flat: FlatUnit[]; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ parentId: string }>();
  const [error, setError] = useState<string | null>(null);
  const move = useMutation(
    trpc.unit.setParent.mutationOptions({
      onSuccess: async () => {
        message.success(`已调整“${unit.name}”的上级单位`);
        await queryClient.invalidateQueries(trpc.unit.pathFilter());
        onClose();
      },
      // The server's words (e.g. 不能把下级单位设为上级单位（会形成循环）); the choice stays for another try.
      onError: (e) => setError(errorInfo(e).message),
    }),
  );
  return (
    <Modal
      open
      title={`调整上级单位：${unit.name}`}
      onCancel={onClose}
      mask={{ closable: false }}
      okText="保存"
      cancelText="取消"
      confirmLoading={move.isPending}
      onOk={() => form.submit()}
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" />}
      <Form<{ parentId: string }>
        form={form}
        layout="vertical"
        initialValues={{ parentId: unit.parentId ?? TOP }}
        onFinish={(v) => {
          setError(null);
          move.mutate({ unitId: unit.id, parentId: v.parentId === TOP ? null : v.parentId });
        }}
      >
        <Form.Item label="上级单位" name="parentId" htmlFor="unit-parent" rules={[{ required: true, message: "请选择上级单位" }]} extra="选择“无（顶级）”则该单位不属于任何单位。任务只能分解给牵头单位的下级单位或责任单位。">
          <ParentSelect id="unit-parent" flat={flat} except={unit.id} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

type ImportResult = RouterOutputs["unit"]["importTree"];

function ImportTreeModal({ onClose }: { onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<ImportResult | null>(null);
  const importTree = useMutation(
    trpc.unit.importTree.mutationOptions({
      onSuccess: async (r) => {
        setResult(r);
        await queryClient.invalidateQueries(trpc.unit.pathFilter());
      },
      onError: (e) => setError(errorInfo(e).message),
    }),
  );
  const start = async () => {
    setError(null);
    setResult(null);
    if (file === null) return setError("请选择 .xlsx 表格");
    if (file.size > 10 * 1024 * 1024) return setError("表格超过 10 MB，请拆分后导入");
    importTree.mutate({ xlsxBase64: await fileToBase64(file) });
  };
  return (
    <Modal
      open
      title="导入单位层级"
      onCancel={onClose}
      mask={{ closable: false }}
      footer={
        <Space wrap>
          <Button onClick={onClose}>{result ? "完成" : "取消"}</Button>
          <Button type="primary" onClick={() => void start()} loading={importTree.isPending}>
            导入
          </Button>
        </Space>
      }
    >
      <p style={{ marginTop: 0 }}>
        上传 Excel 表格（.xlsx）：第一行为表头，须有“单位名称”和“上级单位”两列，可加“类型”列（办公室、部门、街道、社区、企业、其他）。每行一个单位，上级单位留空即为顶级。
      </p>
      <p>按名称或别名匹配已有单位，表中新出现的单位将自动新建。整张表一并导入：任何一行有误（如上级单位不存在、形成循环），则全部不导入，并指出出错的行。</p>
      <Form layout="vertical">
        <Form.Item label="单位层级表格" htmlFor="unit-tree-file-button">
          <input
            ref={input}
            type="file"
            accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            hidden
            style={{ display: "none" }}
            tabIndex={-1}
            aria-hidden="true"
            data-testid="unit-tree-file-input"
            onChange={(e) => {
              setFile(e.target.files?.[0] ?? null);
              setError(null);
              setResult(null);
            }}
          />
          <Space wrap>
            <Button id="unit-tree-file-button" icon={<UploadOutlined />} onClick={() => input.current?.click()}>
              选择文件
            </Button>
            <span style={{ wordBreak: "break-all" }}>{file ? file.name : "尚未选择文件"}</span>
          </Space>
        </Form.Item>
      </Form>
      {error && <Alert type="error" showIcon role="alert" title="导入失败，单位层级未作任何修改" description={error} />}
      {result && (
        <Alert
          type="success"
          showIcon
          role="status"
          title="导入完成"
          description={`共 ${result.rows} 行：新建 ${result.created} 个单位，调整了 ${result.moved} 个已有单位的上级单位。`}
        />
      )}
    </Modal>
  );
}

/** The unit tree with a move (调整上级) and edit button on each unit; 导入单位层级 opens the import. */
export function UnitTreeCard({ onEdit, aliasesOf, importOpen, onImportClose }: { onEdit: (unitId: string) => void; aliasesOf: (unitId: string) => string[]; importOpen: boolean; onImportClose: () => void }) {
  const trpc = useTRPC();
  const tree = useQuery(trpc.unit.tree.queryOptions());
  const flat = useMemo(() => flattenTree(tree.data ?? []), [tree.data]);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const [query, setQuery] = useState("");
  const [moving, setMoving] = useState<FlatUnit | null>(null);
  const byId = useMemo(() => new Map(flat.map((u) => [u.id, u])), [flat]);
  const search = useMemo(() => (query.trim() === "" ? null : matchingUnits(flat, query, aliasesOf)), [flat, query, aliasesOf]);
  type TreeItem = { key: string; title: string; kind: Kind; children: TreeItem[] };
  const treeData = useMemo(() => {
    const toItem = (n: UnitNode): TreeItem => ({ key: n.id, title: n.name, kind: n.kind, children: n.children.filter(keep).map(toItem) });
    const keep = (n: UnitNode) => search === null || search.shown.has(n.id);
    return (tree.data ?? []).filter(keep).map(toItem);
  }, [tree.data, search]);
  // While searching every match is shown opened up to it; otherwise what the user closed stays closed.
  const expanded = flat.filter((u) => u.hasChildren && (search ? search.shown.has(u.id) : !collapsed.has(u.id))).map((u) => u.id);

  return (
    <Card
      title={
        <h2 className="card-title">
          <ApartmentOutlined aria-hidden="true" /> 单位层级（{flat.length}）
        </h2>
      }
      style={{ marginBottom: 16 }}
    >
      <p style={{ marginTop: 0, color: "rgba(0,0,0,0.7)" }}>上级单位可将任务分解给其下级单位（如区民政局 → 街道 → 社区）。</p>
      {tree.isError && <Alert type="error" showIcon title="加载失败" description={errorInfo(tree.error).message} style={{ marginBottom: 16 }} />}
      {flat.length > SEARCH_FROM && (
        <Input.Search
          allowClear
          aria-label="查找单位"
          placeholder="输入单位名称或简称查找"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          style={{ marginBottom: 12, maxWidth: 360 }}
        />
      )}
      {search && (
        <p role="status" style={{ marginTop: 0 }}>
          {search.matched > 0 ? `找到 ${search.matched} 个单位` : ""}
        </p>
      )}
      {tree.isPending ? (
        <PageLoading />
      ) : search?.matched === 0 ? (
        <Empty description={`没有名称含“${query.trim()}”的单位`} />
      ) : (
        <Tree<TreeItem>
          // a large tree (a district's streets and communities) renders only the rows in view
          {...(flat.length > VIRTUAL_FROM ? { height: 640 } : {})}
          aria-label="单位层级"
          className="unit-tree"
          showLine
          blockNode
          selectable={false}
          treeData={treeData}
          expandedKeys={expanded}
          onExpand={(_, info) => {
            const id = String(info.node.key);
            setCollapsed((c) => {
              const next = new Set(c);
              if (info.expanded) next.delete(id);
              else next.add(id);
              return next;
            });
          }}
          titleRender={(node) => {
            const unit = byId.get(node.key);
            const aliases = aliasesOf(node.key).filter((a) => a !== node.title);
            return (
              <span className="unit-node">
                <span className="unit-node-name">
                  <span>{node.title}</span>
                  {aliases.length > 0 && <span className="unit-node-aliases">（{aliases.join("、")}）</span>}
                </span>
                <Tag className="unit-node-kind">{KIND_LABELS[node.kind] ?? node.kind}</Tag>
                <span className="unit-node-ops" onClick={(e) => e.stopPropagation()}>
                  <Button size="small" type="link" aria-label={`调整上级 ${node.title}`} onClick={() => unit && setMoving(unit)}>
                    调整上级
                  </Button>
                  <Button size="small" type="link" icon={<EditOutlined aria-hidden="true" />} aria-label={`编辑单位 ${node.title}`} onClick={() => onEdit(node.key)}>
                    编辑
                  </Button>
                </span>
              </span>
            );
          }}
        />
      )}
      {moving && <ParentModal unit={moving} flat={flat} onClose={() => setMoving(null)} />}
      {importOpen && <ImportTreeModal onClose={onImportClose} />}
    </Card>
  );
}
