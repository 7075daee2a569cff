// The dashboard's buckets (逾期、临期、滞后、未报、签收超时、应发督办单) as cards that open their tasks.
import type { RouterOutputs } from "../../../trpc";

export type Bucket = RouterOutputs["supervision"]["dashboard"]["buckets"][number];

// Dark text on a light tint, a coloured edge; the label always says what the colour means.
const BUCKET_TONES: Record<string, { edge: string; background: string; color: string }> = {
  red: { edge: "#cf1322", background: "#fff1f0", color: "#a8071a" },
  yellow: { edge: "#d48806", background: "#fffbe6", color: "#613400" },
  behind: { edge: "#d4380d", background: "#fff2e8", color: "#871400" },
  noReport: { edge: "#722ed1", background: "#f9f0ff", color: "#391085" },
  signLate: { edge: "#08979c", background: "#e6fffb", color: "#00474f" },
  noticeRed: { edge: "#cf1322", background: "#fff1f0", color: "#a8071a" },
  noticeYellow: { edge: "#d48806", background: "#fffbe6", color: "#613400" },
  noticeBlue: { edge: "#0958d9", background: "#e6f4ff", color: "#003eb3" },
};
const FALLBACK = { edge: "#8c8c8c", background: "#fafafa", color: "#262626" };

export function Buckets({ buckets, onOpen }: { buckets: Bucket[]; onOpen: (b: Bucket) => void }) {
  return (
    <ul className="bucket-grid" aria-label="督办分类">
      {buckets.map((b) => {
        const tone = BUCKET_TONES[b.key] ?? FALLBACK;
        return (
          <li key={b.key}>
            <button
              type="button"
              className="bucket-card"
              style={{ borderInlineStartColor: tone.edge, background: tone.background, color: tone.color }}
              onClick={() => onOpen(b)}
              aria-label={`${b.label}：${b.count} 项，查看任务`}
            >
              <span className="bucket-count">{b.count}</span>
              <span className="bucket-label">{b.label}</span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
