import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { useTRPC } from "../trpc";

/** Units and groups from `unit.list`, with a name lookup and select options. */
export function useUnits() {
  const trpc = useTRPC();
  const query = useQuery({ ...trpc.unit.list.queryOptions(), staleTime: 5 * 60_000 });
  return useMemo(() => {
    const units = query.data?.units ?? [];
    const names = new Map(units.map((u) => [u.id, u.name]));
    return {
      ...query,
      units,
      groups: query.data?.groups ?? [],
      nameOf: (id: string | null | undefined) => (id ? (names.get(id) ?? id) : "—"),
      options: units.map((u) => ({ value: u.id, label: u.name })),
    };
  }, [query]);
}
