import { PageHeader } from "../../components/PageHeader";

export function PlanShowPage() {
  return <PageHeader title="建设中" />;
}
