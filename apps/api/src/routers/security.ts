import { ROLES } from "@duban/workflow";
import { z } from "zod";
import { listTotpPolicy, setTotpRequired } from "../services/totp";
import { roleProcedure, router } from "../trpc";

/** Security policy: the security administrator (安全管理员) alone. */
export const securityRouter = router({
  totpPolicy: roleProcedure("secadmin").query(({ ctx }) => listTotpPolicy(ctx)),
  setTotpRequired: roleProcedure("secadmin")
    .input(z.object({ role: z.enum(ROLES), required: z.boolean() }))
    .mutation(({ ctx, input }) => setTotpRequired(ctx, input)),
});
