// The figures of a chart as text: what a screen reader reads, and the keyboard way to drill down.
import { Button } from "antd";
import type { ReactNode } from "react";

export interface Figure {
  key: string;
  label: ReactNode;
  value: ReactNode;
  /** opens the tasks behind the figure; omitted when there is nothing to show */
  onOpen?: (() => void) | undefined;
  /** accessible name of the drill-down button */
  openLabel?: string;
}

export function FigureList({ items, label }: { items: Figure[]; label: string }) {
  return (
    <ul className="figure-list" aria-label={label}>
      {items.map((f) => (
        <li key={f.key}>
          <span className="figure-label">{f.label}</span>
          {f.onOpen ? (
            <Button type="link" size="small" onClick={f.onOpen} aria-label={f.openLabel} className="figure-value">
              {f.value}
            </Button>
          ) : (
            <span className="figure-value">{f.value}</span>
          )}
        </li>
      ))}
    </ul>
  );
}
