// Every procedure of the router with its input described as JSON Schema (from its own zod schema),
// so suites that probe all procedures cover a new one without being edited.
import { appRouter } from "@duban/api";
import { z } from "zod";

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
}

export interface ProcedureInfo {
  path: string;
  type: "query" | "mutation";
  /** The JSON Schema of the input, or null when the procedure takes none. */
  input: JsonSchema | null;
}

interface ProcedureDef {
  _def: { type: "query" | "mutation" | "subscription"; inputs: z.ZodType[] };
}

export const PROCEDURES: ProcedureInfo[] = Object.entries(appRouter._def.procedures as unknown as Record<string, ProcedureDef>).map(
  ([path, procedure]) => {
    const { type, inputs } = procedure._def;
    if (type === "subscription") throw new Error(`${path}: subscriptions are not covered`);
    const [first] = inputs;
    return {
      path,
      type,
      input: first === undefined ? null : (z.toJSONSchema(first, { io: "input", unrepresentable: "any" }) as JsonSchema),
    };
  },
);
