// 分解: the parts of a task (one level; each part shows its own roll-up), linked for drilling down.
import { Card, Empty, Table } from "antd";
import { Link } from "react-router";
import { PartsRollupTags } from "../../../components/PartsRollup";
import { MarkBadge, StageTag, StatusTag, ToneTag } from "../../../components/tags";
import { formatDate, taskNumber } from "../../../lib/format";
import type { TaskDetail } from "./ActionModal";

type Part = TaskDetail["parts"][number];

export function Parts({ detail }: { detail: TaskDetail }) {
  if (detail.parts.length === 0 && detail.task.parts === null) return null;
  return (
    <Card title={<h2 className="card-title">分解的子任务</h2>} extra={<PartsRollupTags parts={detail.task.parts} />} style={{ marginBottom: 16 }}>
      {detail.parts.length === 0 ? (
        <Empty description="尚未分解" image={Empty.PRESENTED_IMAGE_SIMPLE} />
      ) : (
        <Table<Part>
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={detail.parts}
          scroll={{ x: 640 }}
          columns={[
            { title: "序号", key: "path", width: 90, render: (_, p) => <Link to={`/tasks/${p.id}`}>{taskNumber(p.path)}</Link> },
            {
              title: "承办单位 / 内容",
              key: "text",
              render: (_, p) => (
                <div>
                  <Link to={`/tasks/${p.id}`}>{p.leadUnit?.name ?? "—"}</Link>
                  <div style={{ whiteSpace: "pre-wrap" }}>{p.text}</div>
                  <PartsRollupTags parts={p.parts} />
                </div>
              ),
            },
            {
              title: "状态",
              key: "status",
              width: 170,
              render: (_, p) => (
                <span style={{ display: "inline-flex", flexWrap: "wrap", gap: 4 }}>
                  <StageTag stage={p.stage} />
                  <StatusTag status={p.status} />
                  {p.waived && <ToneTag tone="gray">已免除</ToneTag>}
                </span>
              ),
            },
            {
              title: "完成时限",
              key: "due",
              width: 130,
              render: (_, p) => (
                <span>
                  {p.dueDate ? formatDate(p.dueDate) : "—"} <MarkBadge mark={p.mark} />
                </span>
              ),
            },
          ]}
        />
      )}
    </Card>
  );
}
