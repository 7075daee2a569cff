import { PageHeader } from "../../components/PageHeader";

export function TaskShowPage() {
  return <PageHeader title="建设中" />;
}
