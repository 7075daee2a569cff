// DUBAN_WORKERS=N (or auto = one per core): N API processes behind one port (node:cluster — the
// primary accepts connections and hands them to the workers). The primary prepares the database
// (migrations, demo data) before any worker starts and keeps the workers up: a worker that dies is
// replaced. Everything the processes must share lives in the database (sessions and their
// revocations — services/auth-cache.ts —, login lockout, the audit chain, the daily job's claim).
import cluster from "node:cluster";
import { availableParallelism } from "node:os";
import type { Logger } from "pino";

/** "auto" → one per core; a number → that many; absent → 1 (no cluster). */
export function workerCount(setting: string | undefined): number {
  if (setting === undefined || setting === "") return 1;
  if (setting === "auto") return availableParallelism();
  const n = Number(setting);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new Error(`DUBAN_WORKERS: a whole number 1–256 or "auto", got "${setting}"`);
  return n;
}

export interface ClusterRoles {
  workers: number;
  logger: Logger;
  /** Runs once, in the primary, before any worker is forked; its result is called at shutdown. */
  primary: () => Promise<() => Promise<void>>;
  /** Runs in each worker (serves HTTP); its result is called at shutdown. */
  worker: () => Promise<() => Promise<void>>;
}

/**
 * With one worker, runs `primary` then `worker` in this process. With more, this process is the
 * primary: `primary`, then forks the workers, replacing any that exits unexpectedly; SIGINT/SIGTERM
 * stop the workers, then the primary's part.
 */
export async function runCluster(roles: ClusterRoles): Promise<void> {
  if (roles.workers <= 1 || cluster.isWorker) {
    const stopPrimary = roles.workers <= 1 ? await roles.primary() : null;
    const stopWorker = await roles.worker();
    onStop(async () => {
      await stopWorker();
      await stopPrimary?.();
    });
    return;
  }
  const stopPrimary = await roles.primary();
  let stopping = false;
  const fork = () => cluster.fork();
  cluster.on("exit", (worker, code, signal) => {
    if (stopping) return;
    roles.logger.error({ pid: worker.process.pid, code, signal }, "API worker exited; starting a new one");
    setTimeout(fork, 200).unref();
  });
  cluster.on("online", (worker) => roles.logger.info({ pid: worker.process.pid }, "API worker started"));
  for (let i = 0; i < roles.workers; i++) fork();
  onStop(async () => {
    stopping = true;
    const exits = Object.values(cluster.workers ?? {}).map(
      (w) =>
        new Promise<void>((resolve) => {
          if (w === undefined || w.isDead()) return resolve();
          w.once("exit", () => resolve());
          w.process.kill("SIGTERM");
        }),
    );
    await Promise.all(exits);
    await stopPrimary();
  });
}

function onStop(stop: () => Promise<void>): void {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      setTimeout(() => process.exit(0), 5000).unref();
      void stop().finally(() => process.exit(0));
    });
  }
}
