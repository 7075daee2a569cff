import { PageHeader } from "../../components/PageHeader";

export function PlanListPage() {
  return <PageHeader title="建设中" />;
}
