/**
 * Prints a DRAFT expected result for a plan text: `pnpm exec tsx scripts/draft-expected.ts <file.txt>`.
 * Review every task, unit, deadline and target against the document before saving it as a fixture.
 */
import { readFileSync } from "node:fs";
import { parsePlan } from "../src/index.js";

const file = process.argv[2];
if (file === undefined) throw new Error("usage: tsx scripts/draft-expected.ts <plan.txt>");
process.stdout.write(`${JSON.stringify(parsePlan(readFileSync(file, "utf8")), null, 2)}\n`);
