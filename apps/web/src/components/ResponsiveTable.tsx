// A list that is an antd Table on a wide screen and a column of cards on a phone (below antd's `md`,
// 768 px): every row's essentials fit the screen, nothing scrolls sideways. While the first page of
// data loads it shows a spinner alone; an empty answer says 暂无数据 (or the caller's words) alone.
import { Empty, Grid, type TableColumnType, type TableProps } from "antd";
import { Fragment, type Key, type ReactNode } from "react";
import { PageLoading } from "./PageLoading";
import { ScrollTable } from "./ScrollTable";

export interface ResponsiveTableProps<T> extends Omit<TableProps<T>, "rowKey" | "dataSource" | "loading" | "locale"> {
  /** The accessible name of the list (and of the table's scroll region). */
  label: string;
  rowKey: keyof T & string;
  dataSource: readonly T[];
  /** The table's minimum width on a wide screen; narrower screens scroll it inside its region. */
  minWidth: number;
  /** One row as a card on a phone. */
  card: (row: T, index: number) => ReactNode;
  loading?: boolean;
  /** The words of an empty list. */
  empty?: string;
  /** Below the cards on a phone (e.g. 加载更多). On a wide screen use `footer`. */
  after?: ReactNode;
}

/** True below antd's `md` breakpoint (768 px). Before the first measurement it answers false. */
export function useIsPhone(): boolean {
  return Grid.useBreakpoint().md === false;
}

export function EmptyState({ text = "暂无数据" }: { text?: string }) {
  return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={<span className="empty-text">{text}</span>} />;
}

export function ResponsiveTable<T extends object>({ label, rowKey, dataSource, minWidth, card, loading = false, empty = "暂无数据", after, ...table }: ResponsiveTableProps<T>) {
  const isPhone = useIsPhone();
  const firstLoad = loading && dataSource.length === 0;
  if (isPhone) {
    if (firstLoad) return <PageLoading />;
    return (
      <>
        {dataSource.length === 0 ? (
          <EmptyState text={empty} />
        ) : (
          <ul className="card-list" aria-label={label}>
            {dataSource.map((row, index) => (
              <li key={row[rowKey] as Key}>{card(row, index)}</li>
            ))}
          </ul>
        )}
        {after}
      </>
    );
  }
  return (
    <ScrollTable<T>
      {...table}
      label={label}
      minWidth={minWidth}
      rowKey={rowKey}
      dataSource={dataSource as T[]}
      loading={loading}
      // While loading, the spinner stands alone: the empty words wait for the answer.
      locale={{ emptyText: firstLoad ? <span className="visually-hidden">正在加载</span> : <EmptyState text={empty} /> }}
    />
  );
}

export interface CardField {
  label: string;
  value: ReactNode;
}

/**
 * One row of a list on a phone: its title (usually a link), tags beside it, then label–value pairs
 * (unit, deadline, …) that wrap and never overflow the screen.
 */
export function ListCard({ title, lead, tags, fields, extra }: { title: ReactNode; lead?: ReactNode; tags?: ReactNode; fields?: CardField[]; extra?: ReactNode }) {
  return (
    <article className="list-card">
      {lead && <div className="list-card-lead">{lead}</div>}
      <div className="list-card-title">{title}</div>
      {tags && <div className="list-card-tags">{tags}</div>}
      {fields && fields.length > 0 && (
        <dl className="list-card-fields">
          {fields.map((f) => (
            <div key={f.label}>
              <dt>{f.label}</dt>
              <dd>{f.value}</dd>
            </div>
          ))}
        </dl>
      )}
      {extra && <div className="list-card-extra">{extra}</div>}
    </article>
  );
}

/**
 * A phone card made from a table's own columns, for admin lists with no card of their own: the
 * first column is the title, every other titled column a label–value pair, a column keyed
 * `actions` the card's buttons. The table and its cards then never disagree on what a row shows.
 */
export function cardFromColumns<T extends object>(columns: readonly TableColumnType<T>[]): (row: T, index: number) => ReactNode {
  const cell = (column: TableColumnType<T>, row: T, index: number): ReactNode => {
    const dataIndex = column.dataIndex as keyof T | undefined;
    const value = dataIndex !== undefined ? row[dataIndex] : undefined;
    return column.render ? (column.render(value, row, index) as ReactNode) : (value as ReactNode);
  };
  const [first, ...rest] = columns;
  return (row, index) => (
    <ListCard
      title={first ? cell(first, row, index) : null}
      fields={rest
        .filter((c) => c.key !== "actions" && typeof c.title === "string")
        .map((c) => ({ label: c.title as string, value: cell(c, row, index) ?? "—" }))}
      extra={rest
        .filter((c) => c.key === "actions")
        .map((c) => (
          <Fragment key="actions">{cell(c, row, index)}</Fragment>
        ))}
    />
  );
}
