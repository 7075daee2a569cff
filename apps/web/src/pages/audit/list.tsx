import { PageHeader } from "../../components/PageHeader";

export function AuditListPage() {
  return <PageHeader title="建设中" />;
}
