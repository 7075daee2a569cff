import { z } from "zod";
import { changePassword, describeUser, login, logout } from "../services/auth";
import { publicProcedure, router, sessionProcedure } from "../trpc";

export const authRouter = router({
  login: publicProcedure
    .input(z.object({ username: z.string().trim().min(1, "请输入用户名").max(64), password: z.string().min(1, "请输入密码").max(128) }))
    .mutation(({ ctx, input }) => login(ctx, input)),
  logout: sessionProcedure.mutation(({ ctx }) => logout(ctx)),
  me: publicProcedure.query(({ ctx }) => (ctx.session ? describeUser(ctx, ctx.session.user) : null)),
  changePassword: sessionProcedure
    .input(z.object({ currentPassword: z.string().min(1).max(128), newPassword: z.string().min(1).max(128) }))
    .mutation(({ ctx, input }) => changePassword(ctx, input)),
});
