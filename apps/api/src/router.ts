// The root router: merges the domain routers. The web app imports only the `AppRouter` type.
import { auditRouter } from "./routers/audit";
import { authRouter } from "./routers/auth";
import { unitRouter, userRouter } from "./routers/admin";
import { planRouter } from "./routers/plan";
import { inboxRouter, supervisionRouter } from "./routers/supervision";
import { securityRouter } from "./routers/security";
import { taskRouter } from "./routers/task";
import { createCallerFactory, router } from "./trpc";

export const appRouter = router({
  auth: authRouter,
  unit: unitRouter,
  user: userRouter,
  plan: planRouter,
  task: taskRouter,
  audit: auditRouter,
  supervision: supervisionRouter,
  inbox: inboxRouter,
  security: securityRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
