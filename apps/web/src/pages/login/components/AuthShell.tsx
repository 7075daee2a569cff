import type { ReactNode } from "react";

/** The frame of the pages shown before sign-in: a banner with the system name and the form. */
export function AuthShell({ title, subtitle, children }: { title: string; subtitle: string; children: ReactNode }) {
  return (
    <div style={{ minHeight: "100vh", display: "flex", flexDirection: "column", background: "linear-gradient(180deg, #a8071a 0, #a8071a 220px, #f5f5f5 220px)" }}>
      <header style={{ color: "#fff", textAlign: "center", padding: "48px 16px 24px" }}>
        <h1 style={{ fontSize: 28, margin: 0, color: "#fff", letterSpacing: 2 }}>{title}</h1>
        <p style={{ margin: "8px 0 0", color: "#fff" }}>{subtitle}</p>
      </header>
      <main id="main-content" style={{ width: "100%", maxWidth: 400, margin: "0 auto", padding: "0 16px 48px" }}>
        {children}
      </main>
    </div>
  );
}
