import { useInfiniteQuery } from "@tanstack/react-query";
import type { TaskSummary } from "../components/TaskTable";
import { type RouterInputs, useTRPC } from "../trpc";

export type TaskListFilter = Omit<RouterInputs["task"]["list"], "cursor">;

/** `task.list` page by page ("加载更多"); `items` is every page loaded so far. */
export function useTaskList(filter: TaskListFilter, options: { enabled?: boolean } = {}) {
  const trpc = useTRPC();
  const query = useInfiniteQuery(
    trpc.task.list.infiniteQueryOptions(filter, {
      getNextPageParam: (last) => last.nextCursor ?? undefined,
      enabled: options.enabled ?? true,
    }),
  );
  const items: TaskSummary[] = query.data?.pages.flatMap((p) => p.items) ?? [];
  return { ...query, items };
}
