// 分解: a parent's progress at a glance — parts done, returned, late, waived — and the worst
// deadline mark anywhere below it. Used in the task view, the lists and the dashboard drill-down.
import type { RouterOutputs } from "../trpc";
import { MarkBadge, ToneTag } from "./tags";

export type PartsRollup = NonNullable<RouterOutputs["task"]["get"]["task"]["parts"]>;

export function PartsRollupTags({ parts }: { parts: PartsRollup | null }) {
  if (parts === null) return null;
  return (
    <span style={{ display: "inline-flex", flexWrap: "wrap", gap: 4, alignItems: "center" }} aria-label="子任务进度">
      <ToneTag tone={parts.done === parts.total ? "green" : "blue"}>{`子任务 ${parts.done}/${parts.total} 已完成`}</ToneTag>
      {parts.returned > 0 && <ToneTag tone="red">{`${parts.returned} 项退回`}</ToneTag>}
      {parts.late > 0 && <ToneTag tone="red">{`${parts.late} 项逾期`}</ToneTag>}
      {parts.waived > 0 && <ToneTag tone="gray">{`${parts.waived} 项免除`}</ToneTag>}
      {parts.worstMark !== "none" && parts.worstMark !== "green" && (
        <span>
          下级最差：
          <MarkBadge mark={parts.worstMark} />
        </span>
      )}
    </span>
  );
}
