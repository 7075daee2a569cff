// The signed-in user, from `auth.me`. Pages read it with `useMe()` inside the authenticated layout.
import type { Role } from "@duban/workflow/vocabulary";
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

export function hasRole(me: Me, ...roles: Role[]): boolean {
  return roles.includes(me.role);
}

/** Roles that read tasks and plans (the 三员 administrators except the auditor do not). */
export function readsTasks(me: Me): boolean {
  return me.role !== "sysadmin" && me.role !== "secadmin";
}
