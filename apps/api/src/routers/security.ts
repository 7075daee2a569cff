import { ROLES } from "@duban/workflow";
import { z } from "zod";
import { listTotpPolicy, setTotpRequired } from "../services/totp";
import { capabilityProcedure, router } from "../trpc";

/** Security policy: the security administrator (安全管理员) alone. */
export const securityRouter = router({
  totpPolicy: capabilityProcedure("grantRoles").query(({ ctx }) => listTotpPolicy(ctx)),
  setTotpRequired: capabilityProcedure("grantRoles")
    .input(z.object({ role: z.enum(ROLES), required: z.boolean() }))
    .mutation(({ ctx, input }) => setTotpRequired(ctx, input)),
});
