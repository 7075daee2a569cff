// The task lifecycle as one XState v5 machine. Pure: no timers, no invocations, no I/O — the
// server feeds it events (with the actor and time) and persists the snapshot it returns.
//
// open (parallel)
//   stage:     deploy → handle → inspect → summarize → evaluate → (done)
//   extension: idle ⇄ requested
// done | terminated (final)
import { and, assertEvent, assign, setup } from "xstate";
import { initialContext, type TaskContext, type TaskInput } from "./context";
import type { TaskEvent } from "./events";
import { checkPermission } from "./permissions";
import { allItemsClosed, contributionsSettled, evaluationFails, hasOpenItems, withinParentDueDate } from "./rules";
import { canReturnTo, RETURNABLE_STAGES, type ReturnableStage, type Stage } from "./vocabulary";

/** Bump when states or context change shape; add the matching step to `SNAPSHOT_UPGRADES`. */
export const MACHINE_VERSION = 2;

export const taskMachine = setup({
  types: {
    context: {} as TaskContext,
    events: {} as TaskEvent,
    input: {} as TaskInput,
  },
  guards: {
    permitted: ({ context, event }) => checkPermission(event.type, event.actor, context).ok,
    contributionsSettled: ({ context }) => contributionsSettled(context),
    inspectionRecorded: ({ context }) => context.rectification.inspected,
    noOpenItems: ({ context }) => !hasOpenItems(context),
    allItemsClosed: ({ context }) => allItemsClosed(context),
    itemHasStatus: ({ context, event }, params: { status: "open" | "rectified" }) =>
      (event.type === "RECTIFY" || event.type === "CLOSE_ITEM") &&
      context.rectification.items.some((i) => i.id === event.itemId && i.status === params.status),
    contributionHasStatus: ({ context, event }, params: { statuses: string[] }) => {
      const unitId =
        event.type === "SUBMIT_CONTRIBUTION"
          ? event.actor.unitId
          : event.type === "ACCEPT_CONTRIBUTION" || event.type === "RETURN_CONTRIBUTION" || event.type === "WAIVE_CONTRIBUTION"
            ? event.unitId
            : null;
      const contribution = unitId === null ? undefined : context.contributions[unitId];
      return contribution !== undefined && params.statuses.includes(contribution.status);
    },
    returnsTo: ({ event }, params: { from: Stage; to: ReturnableStage; sameStage: boolean }) =>
      event.type === "RETURN" &&
      event.toStage === params.to &&
      canReturnTo(params.from, params.to) &&
      (params.sameStage || params.to !== params.from),
    resolutionClassGiven: ({ event }) => event.type === "SUBMIT" && event.resolutionClass !== undefined,
    laterDueDate: ({ context, event }) =>
      event.type === "REQUEST_EXTENSION" && (context.dueDate === null || event.requestedDueDate > context.dueDate),
    // A sub-task's deadline never passes its parent's — neither by extension…
    withinParentDueDate: ({ context, event }) =>
      event.type === "REQUEST_EXTENSION" && withinParentDueDate(context, event.requestedDueDate),
    // …nor its own parts' when it is split.
    partsWithinDueDate: ({ context, event }) =>
      event.type === "SPLIT" && Array.isArray(event.parts) && event.parts.every((p) => withinParentDueDate({ parentDueDate: context.dueDate }, p.dueDate ?? context.dueDate)),
    notWaived: ({ context }) => context.waived === null,
    isPart: ({ context }) => context.parentTaskId !== null,
    newLeadUnit: ({ context, event }) => event.type === "REASSIGN" && event.leadUnitId !== context.leadUnitId,
    hasRatings: ({ context }) => Object.keys(context.ratings).length > 0,
    evaluationFails: ({ context }) => evaluationFails(context.ratings),
    hasOpenNotices: ({ context }) => context.openNotices > 0,
  },
  actions: {
    clearReturn: assign({ lastReturn: null }),
    recordReturn: assign(({ event }, params: { from: Stage }) => {
      assertEvent(event, "RETURN");
      return {
        lastReturn: { reason: event.reason, text: event.text, fromStage: params.from, toStage: event.toStage, at: event.at },
      };
    }),
    recordReassignRequest: assign(({ event }) => {
      assertEvent(event, "REQUEST_REASSIGN");
      return { reassignRequest: { reason: event.reason, unitId: event.actor.unitId ?? "" } };
    }),
    clearReassignRequest: assign({ reassignRequest: null }),
    reassignLeadUnit: assign(({ context, event }) => {
      assertEvent(event, "REASSIGN");
      const coUnitIds = [...new Set(event.coUnitIds ?? context.coUnitIds)].filter((u) => u !== event.leadUnitId);
      const contributions = Object.fromEntries(
        coUnitIds.map((u) => [u, context.contributions[u] ?? { status: "pending" as const }]),
      );
      return { leadUnitId: event.leadUnitId, coUnitIds, contributions, reassignRequest: null };
    }),
    setResolutionClass: assign(({ context, event }) => {
      assertEvent(event, ["SUBMIT", "APPROVE"]);
      return { resolutionClass: event.resolutionClass ?? context.resolutionClass };
    }),
    submitContribution: assign(({ context, event }) => {
      assertEvent(event, "SUBMIT_CONTRIBUTION");
      const unitId = event.actor.unitId ?? "";
      return { contributions: { ...context.contributions, [unitId]: { status: "submitted" as const } } };
    }),
    acceptContribution: assign(({ context, event }) => {
      assertEvent(event, "ACCEPT_CONTRIBUTION");
      return { contributions: { ...context.contributions, [event.unitId]: { status: "accepted" as const } } };
    }),
    returnContribution: assign(({ context, event }) => {
      assertEvent(event, "RETURN_CONTRIBUTION");
      return {
        contributions: {
          ...context.contributions,
          [event.unitId]: { status: "returned" as const, returnReason: event.reason },
        },
      };
    }),
    waiveContribution: assign(({ context, event }) => {
      assertEvent(event, "WAIVE_CONTRIBUTION");
      return { contributions: { ...context.contributions, [event.unitId]: { status: "waived" as const } } };
    }),
    beginInspection: assign(({ context }) => ({ rectification: { ...context.rectification, inspected: false } })),
    recordInspection: assign(({ context, event }) => {
      assertEvent(event, "RECORD_INSPECTION");
      let next = context.rectification.nextItemNumber;
      const added = event.items.map((description) => ({
        id: `R${context.round}-${next++}`,
        round: context.round,
        description,
        status: "open" as const,
      }));
      return {
        rectification: { inspected: true, items: [...context.rectification.items, ...added], nextItemNumber: next },
      };
    }),
    setItemStatus: assign(({ context, event }, params: { status: "rectified" | "closed" }) => {
      assertEvent(event, ["RECTIFY", "CLOSE_ITEM"]);
      const items = context.rectification.items.map((i) => (i.id === event.itemId ? { ...i, status: params.status } : i));
      return { rectification: { ...context.rectification, items } };
    }),
    recordRating: assign(({ context, event }) => {
      assertEvent(event, "RATE");
      return { ratings: { ...context.ratings, [event.actor.userId]: event.rating } };
    }),
    startNewRound: assign(({ context }) => ({
      round: context.round + 1,
      ratings: {},
      resolutionClass: null,
      contributions: Object.fromEntries(context.coUnitIds.map((u) => [u, { status: "pending" as const }])),
      rectification: { ...context.rectification, inspected: false },
      lastReturn: null,
    })),
    recordExtensionRequest: assign(({ event }) => {
      assertEvent(event, "REQUEST_EXTENSION");
      return {
        extensionRequest: {
          requestedDueDate: event.requestedDueDate,
          reason: event.reason,
          unitId: event.actor.unitId ?? "",
        },
      };
    }),
    decideExtension: assign(({ context, event }) => {
      assertEvent(event, "DECIDE_EXTENSION");
      const granted = event.granted && context.extensionRequest !== null;
      return {
        dueDate: granted ? (context.extensionRequest?.requestedDueDate ?? context.dueDate) : context.dueDate,
        extensionRequest: null,
      };
    }),
    recordProgress: assign(({ event }) => ({ lastProgressAt: event.at })),
    addNotice: assign(({ context }) => ({ openNotices: context.openNotices + 1 })),
    acknowledgeNotices: assign({ openNotices: 0 }),
    recordSplit: assign(({ context, event }) => {
      assertEvent(event, "SPLIT");
      return { partCount: context.partCount + event.parts.length };
    }),
    recordWaiver: assign(({ event }) => {
      assertEvent(event, "WAIVE_PART");
      return { waived: { reason: event.reason, at: event.at } };
    }),
    recordTermination: assign(({ event }) => {
      assertEvent(event, "TERMINATE");
      return { terminationReason: event.reason };
    }),
  },
}).createMachine({
  id: "task",
  context: ({ input }) => initialContext(input),
  initial: "open",
  states: {
    open: {
      type: "parallel",
      on: {
        URGE: { guard: "permitted", actions: "addNotice" },
        INSTRUCT: { guard: "permitted", actions: "addNotice" },
        ACKNOWLEDGE: { guard: and(["permitted", "hasOpenNotices"]), actions: "acknowledgeNotices" },
        TERMINATE: { guard: "permitted", target: "terminated", actions: "recordTermination" },
        // The splitter releases the parent from waiting for this part; the part itself runs on.
        WAIVE_PART: { guard: and(["permitted", "isPart", "notWaived"]), actions: "recordWaiver" },
      },
      states: {
        stage: {
          initial: "deploy",
          on: {
            // Outside deploy a new lead unit simply takes over where the task stands.
            REASSIGN: { guard: and(["permitted", "newLeadUnit"]), actions: "reassignLeadUnit" },
          },
          states: {
            deploy: {
              tags: ["deploy"],
              initial: "signing",
              on: {
                REASSIGN: { guard: and(["permitted", "newLeadUnit"]), target: ".signing", actions: "reassignLeadUnit" },
              },
              states: {
                signing: {
                  tags: ["signing"],
                  on: {
                    SIGN: { guard: "permitted", target: "drafting" },
                    REQUEST_REASSIGN: { guard: "permitted", target: "reassignRequested", actions: "recordReassignRequest" },
                  },
                },
                reassignRequested: {
                  tags: ["reassign_requested"],
                  on: {
                    REFUSE_REASSIGN: { guard: "permitted", target: "signing", actions: "clearReassignRequest" },
                  },
                },
                drafting: {
                  tags: ["drafting"],
                  on: {
                    SUBMIT: { guard: "permitted", target: "submitted", actions: "clearReturn" },
                    SPLIT: { guard: and(["permitted", "partsWithinDueDate"]), actions: "recordSplit" },
                  },
                },
                submitted: {
                  tags: ["submitted"],
                  on: {
                    APPROVE: { guard: "permitted", target: "#task.open.stage.handle" },
                    WITHDRAW: { guard: "permitted", target: "drafting" },
                    RETURN: returnTransitions("deploy", true),
                  },
                },
              },
            },
            handle: {
              tags: ["handle"],
              initial: "drafting",
              on: {
                REPORT_PROGRESS: { guard: "permitted", actions: "recordProgress" },
              },
              states: {
                drafting: {
                  tags: ["drafting"],
                  on: {
                    SPLIT: { guard: and(["permitted", "partsWithinDueDate"]), actions: "recordSplit" },
                    SUBMIT_CONTRIBUTION: {
                      guard: and(["permitted", { type: "contributionHasStatus", params: { statuses: ["pending", "returned"] } }]),
                      actions: "submitContribution",
                    },
                    ACCEPT_CONTRIBUTION: {
                      guard: and(["permitted", { type: "contributionHasStatus", params: { statuses: ["submitted"] } }]),
                      actions: "acceptContribution",
                    },
                    RETURN_CONTRIBUTION: {
                      guard: and(["permitted", { type: "contributionHasStatus", params: { statuses: ["submitted", "accepted"] } }]),
                      actions: "returnContribution",
                    },
                    WAIVE_CONTRIBUTION: {
                      guard: and([
                        "permitted",
                        { type: "contributionHasStatus", params: { statuses: ["pending", "submitted", "returned"] } },
                      ]),
                      actions: "waiveContribution",
                    },
                    SUBMIT: {
                      guard: and(["permitted", "contributionsSettled"]),
                      target: "submitted",
                      actions: "clearReturn",
                    },
                  },
                },
                submitted: {
                  tags: ["submitted"],
                  on: {
                    APPROVE: { guard: "permitted", target: "#task.open.stage.inspect", actions: "beginInspection" },
                    WITHDRAW: { guard: "permitted", target: "drafting" },
                    RETURN: returnTransitions("handle", true),
                  },
                },
              },
            },
            inspect: {
              tags: ["inspect"],
              initial: "drafting",
              on: {
                RECORD_INSPECTION: { guard: "permitted", actions: "recordInspection" },
                CLOSE_ITEM: {
                  guard: and(["permitted", { type: "itemHasStatus", params: { status: "rectified" as const } }]),
                  actions: { type: "setItemStatus", params: { status: "closed" } },
                },
              },
              states: {
                drafting: {
                  tags: ["drafting"],
                  on: {
                    RECTIFY: {
                      guard: and(["permitted", { type: "itemHasStatus", params: { status: "open" as const } }]),
                      actions: { type: "setItemStatus", params: { status: "rectified" } },
                    },
                    SUBMIT: {
                      guard: and(["permitted", "inspectionRecorded", "noOpenItems"]),
                      target: "submitted",
                      actions: "clearReturn",
                    },
                    // Without a submission, the office may still send the task back to handling.
                    RETURN: returnTransitions("inspect", false),
                  },
                },
                submitted: {
                  tags: ["submitted"],
                  on: {
                    PASS_INSPECTION: {
                      guard: and(["permitted", "allItemsClosed"]),
                      target: "#task.open.stage.summarize",
                    },
                    WITHDRAW: { guard: "permitted", target: "drafting" },
                    RETURN: returnTransitions("inspect", true),
                  },
                },
              },
            },
            summarize: {
              tags: ["summarize"],
              initial: "drafting",
              states: {
                drafting: {
                  tags: ["drafting"],
                  on: {
                    SUBMIT: {
                      guard: and(["permitted", "resolutionClassGiven"]),
                      target: "submitted",
                      actions: ["clearReturn", "setResolutionClass"],
                    },
                  },
                },
                submitted: {
                  tags: ["submitted"],
                  on: {
                    // The office may change the resolution class when it approves.
                    APPROVE: { guard: "permitted", target: "#task.open.stage.evaluate", actions: "setResolutionClass" },
                    WITHDRAW: { guard: "permitted", target: "drafting" },
                    RETURN: returnTransitions("summarize", true),
                  },
                },
              },
            },
            evaluate: {
              tags: ["evaluate"],
              initial: "rating",
              states: {
                rating: {
                  tags: ["rating"],
                  on: {
                    RATE: { guard: "permitted", actions: "recordRating" },
                    CLOSE_EVALUATION: [
                      {
                        guard: and(["permitted", "hasRatings", "evaluationFails"]),
                        target: "#task.open.stage.handle",
                        actions: "startNewRound",
                      },
                      { guard: and(["permitted", "hasRatings"]), target: "#task.done" },
                    ],
                  },
                },
              },
            },
          },
        },
        extension: {
          initial: "idle",
          states: {
            idle: {
              on: {
                REQUEST_EXTENSION: {
                  guard: and(["permitted", "laterDueDate", "withinParentDueDate"]),
                  target: "requested",
                  actions: "recordExtensionRequest",
                },
              },
            },
            requested: {
              tags: ["extension_requested"],
              on: { DECIDE_EXTENSION: { guard: "permitted", target: "idle", actions: "decideExtension" } },
            },
          },
        },
      },
    },
    done: { type: "final", tags: ["done"] },
    terminated: { type: "final", tags: ["terminated"] },
  },
});

/** RETURN from a stage: one guarded transition per earlier (or, if `sameStage`, the same) stage. */
function returnTransitions(from: Stage, sameStage: boolean) {
  return RETURNABLE_STAGES.filter((to) => canReturnTo(from, to) && (sameStage || to !== from)).map((to) => ({
    guard: and(["permitted", { type: "returnsTo" as const, params: { from, to, sameStage } }]),
    target: `#task.open.stage.${to}.drafting`,
    // Back in inspect, the office inspects again before the unit may resubmit.
    actions: [{ type: "recordReturn" as const, params: { from } }, ...(to === "inspect" ? ["beginInspection" as const] : [])],
  }));
}

export type TaskMachine = typeof taskMachine;
