import { PageHeader } from "../../components/PageHeader";

export function PlanImportPage() {
  return <PageHeader title="建设中" />;
}
