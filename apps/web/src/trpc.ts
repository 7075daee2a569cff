// The tRPC client, created once. Components use `useTRPC()` with TanStack Query's own hooks:
// `useQuery(trpc.x.queryOptions())`, `useMutation(trpc.x.mutationOptions())`.
import type { AppRouter } from "@duban/api/router";
import { MutationCache, QueryCache, QueryClient } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink, TRPCClientError } from "@trpc/client";
import { createTRPCContext, createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import type { inferRouterOutputs, inferRouterInputs } from "@trpc/server";

export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type RouterInputs = inferRouterInputs<AppRouter>;

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

function isUnauthorized(error: unknown): boolean {
  return error instanceof TRPCClientError && (error.data as { code?: string } | undefined)?.code === "UNAUTHORIZED";
}

export const trpcClient = createTRPCClient<AppRouter>({
  links: [
    httpBatchLink({
      url: "/trpc",
      fetch: (url, options) => fetch(url, { ...options, credentials: "same-origin" }),
    }),
  ],
});

export const queryClient: QueryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      refetchOnWindowFocus: true,
      retry: (count, error) => {
        const status = error instanceof TRPCClientError ? (error.data as { httpStatus?: number } | undefined)?.httpStatus : undefined;
        if (status !== undefined && status >= 400 && status < 500) return false;
        return count < 2;
      },
    },
  },
  // A session that expires while the page is open: ask `auth.me` again, which shows the login page.
  queryCache: new QueryCache({
    onError: (error, query) => {
      if (isUnauthorized(error) && !query.queryKey.some((k) => Array.isArray(k) && k.includes("me"))) {
        void queryClient.invalidateQueries(trpc.auth.me.pathFilter());
      }
    },
  }),
  mutationCache: new MutationCache({
    onError: (error) => {
      if (isUnauthorized(error)) void queryClient.invalidateQueries(trpc.auth.me.pathFilter());
    },
  }),
});

/** The same options proxy outside React (for the caches above). */
export const trpc = createTRPCOptionsProxy<AppRouter>({ client: trpcClient, queryClient });
