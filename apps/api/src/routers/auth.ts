import { z } from "zod";
import { changePassword, describeUser, login, logout } from "../services/auth";
import { enableTotp, setupTotp } from "../services/totp";
import { publicProcedure, router, sessionProcedure } from "../trpc";

export const authRouter = router({
  login: publicProcedure
    .input(
      z.object({
        username: z.string().trim().min(1, "请输入用户名").max(64),
        password: z.string().min(1, "请输入密码").max(128),
        totp: z.string().trim().regex(/^\d{6}$/, "动态验证码为 6 位数字").optional(),
      }),
    )
    .mutation(({ ctx, input }) => login(ctx, input)),
  logout: sessionProcedure.mutation(({ ctx }) => logout(ctx)),
  me: publicProcedure.query(({ ctx }) => (ctx.session ? describeUser(ctx, ctx.session.user) : null)),
  changePassword: sessionProcedure
    .input(z.object({ currentPassword: z.string().min(1).max(128), newPassword: z.string().min(1).max(128) }))
    .mutation(({ ctx, input }) => changePassword(ctx, input)),
  /** TOTP enrolment: the secret and otpauth:// URI, shown once; then confirm with a code. */
  totpSetup: sessionProcedure.mutation(({ ctx }) => setupTotp(ctx)),
  totpEnable: sessionProcedure
    .input(z.object({ code: z.string().trim().regex(/^\d{6}$/, "动态验证码为 6 位数字") }))
    .mutation(({ ctx, input }) => enableTotp(ctx, input.code)),
});
