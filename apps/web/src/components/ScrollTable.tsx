// A table that scrolls horizontally on narrow screens inside a keyboard-focusable region
// (axe: scrollable-region-focusable), instead of antd's own scroll container.
import { Table, type TableProps } from "antd";

export function ScrollTable<T extends object>({ label, minWidth, ...props }: TableProps<T> & { label: string; minWidth: number }) {
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label={label}>
      <div style={{ minWidth }}>
        <Table<T> {...props} />
      </div>
    </div>
  );
}
