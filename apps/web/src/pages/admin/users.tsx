import { PageHeader } from "../../components/PageHeader";

export function AdminUsersPage() {
  return <PageHeader title="建设中" />;
}
