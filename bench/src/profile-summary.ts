// Summarises a V8 .cpuprofile (node --cpu-prof): self time by area (our packages, kysely,
// better-sqlite3/pg, tRPC, zod, xstate, undici/http, crypto, GC, idle) and the top functions.
// Usage: tsx src/profile-summary.ts <file.cpuprofile> [top]
import { readFileSync } from "node:fs";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topArg] = process.argv.slice(2);
if (!file) throw new Error("usage: profile-summary.ts <file.cpuprofile> [top]");
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

const AREAS: [string, RegExp][] = [
  ["(idle)", /^\(idle\)$/],
  ["(garbage collector)", /^\(garbage collector\)$/],
  ["(program/native)", /^\(program\)$/],
  ["better-sqlite3 (incl. fsync in COMMIT)", /better-sqlite3/],
  ["pg", /node_modules\/\.pnpm\/pg/],
  ["kysely", /kysely/],
  ["@trpc", /@trpc/],
  ["zod", /zod/],
  ["xstate", /xstate/],
  ["pino", /pino/],
  ["helmet", /helmet/],
  ["undici / fetch (bench clients)", /undici|node:internal\/deps\/undici/],
  ["node:http / net / streams", /node:(_http|http|net|internal\/streams|internal\/stream_base|events|internal\/http)/],
  ["crypto", /node:crypto|internal\/crypto/],
  ["tsx loader", /tsx/],
  ["chinese-days (deadline marks)", /chinese-days/],
  ["@duban/workflow", /packages\/workflow/],
  ["@duban/db", /packages\/db/],
  ["@duban/api", /apps\/api/],
  ["bench harness", /\/bench\/src/],
  ["other node internals", /^node:/],
];

const areaTime = new Map<string, number>();
const fnTime = new Map<string, number>();
let total = 0;
for (const [id, t] of self) {
  const n = byId.get(id);
  if (!n) continue;
  total += t;
  const { functionName, url, lineNumber } = n.callFrame;
  const key = url || functionName;
  const area = AREAS.find(([, re]) => re.test(key) || re.test(functionName))?.[0] ?? (url ? "other JS" : `native: ${functionName || "(anonymous)"}`);
  areaTime.set(area, (areaTime.get(area) ?? 0) + t);
  const fn = `${functionName || "(anonymous)"} ${url.replace(/.*node_modules\/\.pnpm\//, "").replace(/^file:\/\/.*\/(apps|packages|bench)\//, "$1/")}:${lineNumber + 1}`;
  fnTime.set(fn, (fnTime.get(fn) ?? 0) + t);
}
const busy = total - (areaTime.get("(idle)") ?? 0);
console.log(`total ${(total / 1e6).toFixed(1)} s sampled, busy ${(busy / 1e6).toFixed(1)} s`);
console.log("self time by area (% of busy):");
for (const [a, t] of [...areaTime].sort((x, y) => y[1] - x[1])) if (a !== "(idle)") console.log(`  ${((100 * t) / busy).toFixed(1).padStart(5)} %  ${a}`);
console.log(`top functions (self, % of busy):`);
for (const [f, t] of [...fnTime].sort((x, y) => y[1] - x[1]).slice(0, Number(topArg ?? 25))) console.log(`  ${((100 * t) / busy).toFixed(1).padStart(5)} %  ${f}`);
