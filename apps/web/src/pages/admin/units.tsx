import { PageHeader } from "../../components/PageHeader";

export function AdminUnitsPage() {
  return <PageHeader title="建设中" />;
}
