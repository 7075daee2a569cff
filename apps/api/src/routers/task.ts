import { TASK_STAGES, TASK_STATUSES, ZTaskCommand } from "@duban/workflow";
import { z } from "zod";
import { getTaskDetail, listTasksFor, transitionTask } from "../services/tasks";
import { TODO_TAB_KEYS, todoItems, todoTabs } from "../services/todo";
import { authedProcedure, capabilityProcedure, router } from "../trpc";

const stage = z.enum(TASK_STAGES);

export const taskRouter = router({
  list: authedProcedure
    .input(
      z.object({
        planId: z.string().min(1).max(64).optional(),
        stage: z.array(stage).max(7).optional(),
        status: z.enum(TASK_STATUSES).optional(),
        unitId: z.string().min(1).max(64).optional(),
        /** Only tasks the unit (the liaison's own, or `unitId`) leads — e.g. what it must sign. */
        leadOnly: z.boolean().optional(),
        overdue: z.boolean().optional(),
        /** Only tasks with urges or instructions the lead unit has not acknowledged (催办). */
        urged: z.boolean().optional(),
        /** Only tasks whose extension request awaits the office's decision (延期申请). */
        extensionRequested: z.boolean().optional(),
        /** Only tasks the signed-in evaluator has (true) or has not (false) rated in their current round. */
        ratedByMe: z.boolean().optional(),
        /** 分解: the parts the signed-in liaison's unit split and reviews (督办的子任务). */
        supervising: z.boolean().optional(),
        /** 分解: the parts of this task. */
        parentId: z.string().min(1).max(64).optional(),
        /** Only a plan's own tasks, not the parts split from them. */
        topLevel: z.boolean().optional(),
        text: z.string().max(200).optional(),
        cursor: z.string().max(500).nullish(),
        limit: z.number().int().min(1).max(500).default(100),
      }),
    )
    .query(({ ctx, input }) => listTasksFor(ctx, input)),
  /** 我的待办: the user's tabs (from the lifecycle's permission table) with exact counts. */
  todo: capabilityProcedure("todo").query(({ ctx }) => todoTabs(ctx)),
  /** One page of a 我的待办 tab. */
  todoItems: capabilityProcedure("todo")
    .input(z.object({ tab: z.enum(TODO_TAB_KEYS), cursor: z.string().max(500).nullish(), limit: z.number().int().min(1).max(200).default(50) }))
    .query(({ ctx, input }) => todoItems(ctx, input)),
  get: authedProcedure.input(z.object({ taskId: z.string().min(1).max(64) })).query(({ ctx, input }) => getTaskDetail(ctx, input.taskId)),
  /** The one mutation that moves a task; the server decides with the lifecycle package. */
  transition: authedProcedure
    .input(z.object({ taskId: z.string().min(1).max(64), expectedVersion: z.number().int().min(0), event: ZTaskCommand }))
    .mutation(({ ctx, input }) => transitionTask(ctx, input)),
});
