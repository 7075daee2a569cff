// Exports as real downloads: GET /api/exports/ledger?planId=… streams the 台账 (.xlsx) while it is
// written (services/supervision/exports.ts), instead of base64 inside a tRPC answer. It admits whom
// tRPC's supervision.exportLedger admits (trpc.ts authorize: signed in, account ready, capability
// "oversee"), and refusals and the export are audited as that procedure's are, under its name.
import type { ServerResponse } from "node:http";
import type { Context } from "../context";
import { AppError } from "../errors";
import { recordRefusal } from "../services/audit";
import { openLedger } from "../services/supervision/exports";
import { authorize } from "../trpc";

/** The procedure whose checks and audit records this download shares. */
export const LEDGER_ACTION = "supervision.exportLedger";

/** The ledger's `planId`, checked as the procedure's input is (an id of 1–64 characters, no U+0000). */
function planIdOf(url: URL): string {
  const values = url.searchParams.getAll("planId");
  const planId = values[0];
  if (values.length !== 1 || planId === undefined || planId.length < 1 || planId.length > 64) {
    throw new AppError("BAD_INPUT", "输入有误（planId）：请指定一个工作方案");
  }
  if (planId.includes("\u0000")) throw new AppError("BAD_INPUT", "输入含有不允许的控制字符（U+0000）");
  return planId;
}

/**
 * Answers a ledger download. A refusal (not signed in, wrong role, unknown plan…) is audited like
 * the procedure's and answered as JSON by `refuse`; once the file has begun, a failure cuts the
 * download off (never a complete-looking file) and is audited as an internal error.
 */
export async function downloadLedger(
  ctx: Context,
  method: string | undefined,
  url: URL,
  res: ServerResponse,
  refuse: (error: AppError) => Promise<void>,
): Promise<void> {
  const rawInput = { planId: url.searchParams.get("planId") };
  let ledger;
  let authed;
  try {
    if (method !== "GET") throw new AppError("NOT_FOUND", "不支持的请求");
    authed = await authorize(ctx, "oversee");
    ledger = await openLedger(authed, { planId: planIdOf(url) });
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    await recordRefusal(ctx, LEDGER_ACTION, rawInput, error.code, error);
    return refuse(error);
  }
  let clientLeft = false;
  res.once("close", () => (clientLeft ||= !res.writableFinished));
  res.writeHead(200, {
    "content-type": ledger.mime,
    "content-disposition": `attachment; filename*=UTF-8''${encodeURIComponent(ledger.filename)}`,
    "cache-control": "no-store",
  });
  try {
    // the export is audited before the last bytes leave: a download that completes has its record
    await ledger.write(res);
    res.end();
  } catch (error) {
    const left = clientLeft;
    res.destroy();
    if (left) {
      ctx.logger.info({ err: error, planId: rawInput.planId }, "ledger download ended by the client");
      return;
    }
    ctx.logger.error({ err: error, planId: rawInput.planId }, "ledger download failed");
    await recordRefusal(authed, LEDGER_ACTION, rawInput, "INTERNAL", null);
  }
}
