// An action the user expects but cannot take yet: shown disabled, with the lifecycle's reason
// (from the server) and a link to what unblocks it (the co-units or rectification items it waits on).
import type { AvailableAction } from "@duban/workflow/vocabulary";
import { Button } from "antd";
import type { TaskDetail } from "./ActionModal";

type Blocked = NonNullable<AvailableAction["blocked"]>;

/** The section of the task page that shows what an action waits on, and the words for the link. */
function unblockLink(blocked: Blocked, detail: TaskDetail): { href: string; text: string } | null {
  const unitIds = blocked.unblockedBy?.unitIds ?? [];
  if (unitIds.length > 0) {
    const names = unitIds.map((id) => detail.contributions.find((c) => c.unitId === id)?.unitName ?? id);
    return { href: "#task-contributions", text: `查看协办意见：${names.join("、")}` };
  }
  if ((blocked.unblockedBy?.itemIds ?? []).length > 0) return { href: "#task-items", text: "查看整改事项" };
  return null;
}

export function BlockedAction({ action, label, detail }: { action: AvailableAction; label: string; detail: TaskDetail }) {
  const blocked = action.blocked;
  if (blocked === undefined) return null;
  const link = unblockLink(blocked, detail);
  const reasonId = `blocked-${action.type}`;
  return (
    <div className="blocked-action" style={{ display: "flex", flexWrap: "wrap", gap: 8, alignItems: "center" }}>
      <Button disabled aria-describedby={reasonId}>
        {label}
      </Button>
      <span id={reasonId} style={{ color: "rgba(0,0,0,0.65)" }}>
        {blocked.reason}
      </span>
      {link && (
        <a
          href={link.href}
          onClick={(e) => {
            // BrowserRouter: scroll to the section without touching the route.
            e.preventDefault();
            document.querySelector(link.href)?.scrollIntoView({ behavior: "smooth", block: "start" });
          }}
        >
          {link.text}
        </a>
      )}
    </div>
  );
}
