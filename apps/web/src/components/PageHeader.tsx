import { Breadcrumb } from "antd";
import type { ReactNode } from "react";
import { Link } from "react-router";

export interface Crumb {
  title: string;
  to?: string;
}

/** The top of every page: breadcrumbs, the page's one h1, and its main buttons. */
export function PageHeader({ title, crumbs, extra, sub }: { title: ReactNode; crumbs?: Crumb[]; extra?: ReactNode; sub?: ReactNode }) {
  return (
    <div style={{ marginBottom: 16 }}>
      {crumbs && crumbs.length > 0 && (
        <Breadcrumb
          style={{ marginBottom: 8 }}
          items={crumbs.map((c) => ({ title: c.to ? <Link to={c.to}>{c.title}</Link> : c.title }))}
        />
      )}
      <div style={{ display: "flex", flexWrap: "wrap", alignItems: "center", gap: 12, justifyContent: "space-between" }}>
        <h1 className="page-title">{title}</h1>
        {extra && <div style={{ display: "flex", flexWrap: "wrap", gap: 8 }}>{extra}</div>}
      </div>
      {sub && <div style={{ marginTop: 8 }}>{sub}</div>}
    </div>
  );
}
