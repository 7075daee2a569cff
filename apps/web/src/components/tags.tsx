// One place that maps stages, statuses and deadline marks to a label and a colour. Every tone has
// dark text on a light background (contrast ≥ 4.5:1) and always carries its text: never colour alone.
import { STAGE_LABELS, STATUS_LABELS, type StageOrTerminated, type TaskStatus } from "@duban/workflow/vocabulary";
import { Tag } from "antd";
import type { ReactNode } from "react";

export type Tone = "blue" | "cyan" | "gold" | "purple" | "green" | "red" | "gray" | "orange";

const TONES: Record<Tone, { color: string; background: string; borderColor: string }> = {
  blue: { color: "#003eb3", background: "#e6f4ff", borderColor: "#91caff" },
  cyan: { color: "#00474f", background: "#e6fffb", borderColor: "#87e8de" },
  gold: { color: "#613400", background: "#fffbe6", borderColor: "#ffe58f" },
  orange: { color: "#873800", background: "#fff7e6", borderColor: "#ffd591" },
  purple: { color: "#391085", background: "#f9f0ff", borderColor: "#d3adf7" },
  green: { color: "#135200", background: "#f6ffed", borderColor: "#b7eb8f" },
  red: { color: "#a8071a", background: "#fff1f0", borderColor: "#ffa39e" },
  gray: { color: "#262626", background: "#f5f5f5", borderColor: "#d9d9d9" },
};

export function ToneTag({ tone, children }: { tone: Tone; children: ReactNode }) {
  return (
    <Tag style={{ ...TONES[tone], marginInlineEnd: 4 }} variant="outlined">
      {children}
    </Tag>
  );
}

const STAGE_TONES: Record<StageOrTerminated, Tone> = {
  deploy: "blue",
  handle: "cyan",
  inspect: "gold",
  summarize: "purple",
  evaluate: "orange",
  done: "green",
  terminated: "gray",
};

const STATUS_TONES: Record<TaskStatus, Tone> = {
  signing: "blue",
  reassign_requested: "gold",
  drafting: "gray",
  returned: "red",
  submitted: "purple",
  rating: "orange",
  done: "green",
  terminated: "gray",
};

export function stageLabel(stage: string): string {
  return (STAGE_LABELS as Record<string, string>)[stage] ?? stage;
}

export function statusLabel(status: string): string {
  return (STATUS_LABELS as Record<string, string>)[status] ?? status;
}

export function StageTag({ stage }: { stage: string }) {
  return <ToneTag tone={(STAGE_TONES as Record<string, Tone>)[stage] ?? "gray"}>{stageLabel(stage)}</ToneTag>;
}

export function StatusTag({ status }: { status: string }) {
  return <ToneTag tone={(STATUS_TONES as Record<string, Tone>)[status] ?? "gray"}>{statusLabel(status)}</ToneTag>;
}

export type DeadlineMark = "red" | "yellow" | "green" | "none";

const MARKS: Record<Exclude<DeadlineMark, "none">, { label: string; dot: string; color: string }> = {
  red: { label: "逾期", dot: "#cf1322", color: "#a8071a" },
  yellow: { label: "临期", dot: "#d48806", color: "#613400" },
  green: { label: "正常", dot: "#389e0d", color: "#135200" },
};

/** The deadline mark: a coloured dot AND its word (逾期 / 临期 / 正常); `none` (no deadline, or closed) shows `empty`. */
export function MarkBadge({ mark, empty = null }: { mark: string; empty?: ReactNode }) {
  if (mark !== "red" && mark !== "yellow" && mark !== "green") return empty;
  const m = MARKS[mark];
  return (
    <span className="mark" style={{ color: m.color, fontWeight: mark === "red" ? 600 : 400 }}>
      <span className="mark-dot" style={{ background: m.dot }} aria-hidden="true" />
      {m.label}
    </span>
  );
}
