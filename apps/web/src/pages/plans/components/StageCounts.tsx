import { STAGE_LABELS, STAGES } from "@duban/workflow/vocabulary";
import { Progress } from "antd";

export type StageCounts = Partial<Record<string, number>> | null;

const ORDER = [...STAGES, "terminated"] as const;

/** Tasks per stage as "部署 3 · 办理 5 …" (zero stages left out). */
export function StageCountsText({ counts }: { counts: StageCounts }) {
  if (counts === null) return <span className="empty-text">暂无数据</span>;
  const parts = ORDER.filter((s) => (counts[s] ?? 0) > 0).map((s) => `${STAGE_LABELS[s]} ${counts[s] ?? 0}`);
  return parts.length > 0 ? <span>{parts.join(" · ")}</span> : <span className="empty-text">无任务</span>;
}

export function donePercent(counts: StageCounts, total: number): number {
  if (counts === null || total === 0) return 0;
  return Math.round(((counts.done ?? 0) / total) * 100);
}

export function DoneProgress({ counts, total }: { counts: StageCounts; total: number }) {
  const percent = donePercent(counts, total);
  return (
    <Progress
      percent={percent}
      size="small"
      strokeColor="#389e0d"
      format={(p) => <span style={{ color: "rgba(0,0,0,0.88)" }}>{p}%</span>}
      aria-label={`办结率 ${percent}%`}
    />
  );
}
