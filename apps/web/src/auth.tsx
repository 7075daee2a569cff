// The signed-in user, from `auth.me`. Pages read it with `useMe()` inside the authenticated layout.
import { useQuery } from "@tanstack/react-query";
import { createContext, useContext } from "react";
import { type RouterOutputs, useTRPC } from "./trpc";

export type Me = NonNullable<RouterOutputs["auth"]["me"]>;

export const MeContext = createContext<Me | null>(null);

export function useMe(): Me {
  const me = useContext(MeContext);
  if (me === null) throw new Error("useMe outside the authenticated layout");
  return me;
}

export function useMeQuery() {
  const trpc = useTRPC();
  return useQuery({ ...trpc.auth.me.queryOptions(), staleTime: 60_000 });
}
