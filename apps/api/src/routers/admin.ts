import { ROLES } from "@duban/workflow";
import { z } from "zod";
import {
  createUnitAudited,
  createUserAudited,
  grantRole,
  listUnitsWithGroups,
  listUserViews,
  saveUnitGroup,
  updateUnitAudited,
  updateUserAudited,
} from "../services/admin";
import { resetTotp } from "../services/totp";
import { importUnitTree, setUnitParent, unitTree } from "../services/unit-tree";
import { authedProcedure, capabilityProcedure, router } from "../trpc";

const id = z.string().min(1).max(64);
const name = z.string().trim().min(1, "请填写名称").max(100);
const kind = z.enum(["office", "department", "street", "company", "other"]);
const aliases = z.array(z.string().trim().min(1).max(100)).max(50);
/** Stored encrypted (SM4 + HMAC-SM3, or AES-256-GCM): see security/fields.ts. */
const phone = z.string().trim().regex(/^\+?[0-9][0-9 -]{4,19}$/, "电话号码格式不正确");

export const unitRouter = router({
  // Every signed-in user needs unit names to read tasks.
  list: authedProcedure.query(({ ctx }) => listUnitsWithGroups(ctx)),
  create: capabilityProcedure("manageUnits")
    .input(z.object({ name, kind, aliases: aliases.default([]), parentId: id.nullish() }))
    .mutation(({ ctx, input }) => createUnitAudited(ctx, input)),
  update: capabilityProcedure("manageUnits")
    .input(z.object({ unitId: id, name: name.optional(), kind: kind.optional(), aliases: aliases.optional() }))
    .mutation(({ ctx, input }) => updateUnitAudited(ctx, input)),
  /** The unit tree: move a unit under another (null: to the top); never a cycle. */
  setParent: capabilityProcedure("manageUnits")
    .input(z.object({ unitId: id, parentId: id.nullable() }))
    .mutation(({ ctx, input }) => setUnitParent(ctx, input)),
  tree: authedProcedure.query(({ ctx }) => unitTree(ctx.db)),
  /** Imports the tree from an .xlsx sheet (columns 单位名称, 上级单位, optional 类型). */
  importTree: capabilityProcedure("manageUnits")
    .input(z.object({ xlsxBase64: z.string().min(1).max(14_000_000) }))
    .mutation(({ ctx, input }) => importUnitTree(ctx, Buffer.from(input.xlsxBase64, "base64"))),
  saveGroup: capabilityProcedure("manageUnits")
    .input(z.object({ groupId: id.optional(), name, aliases: aliases.default([]), memberIds: z.array(id).max(1000) }))
    .mutation(({ ctx, input }) => saveUnitGroup(ctx, input)),
});

export const userRouter = router({
  list: capabilityProcedure("manageUsers").query(({ ctx }) => listUserViews(ctx)),
  // 三员: only the security administrator manages accounts (services/admin.ts accountRefusal).
  create: capabilityProcedure("editUsers")
    .input(
      z.object({
        username: z.string().trim().min(2, "用户名至少 2 个字符").max(64).regex(/^[A-Za-z0-9_.-]+$/, "用户名只能包含字母、数字、_ . -"),
        displayName: name,
        password: z.string().min(1).max(128),
        role: z.enum(ROLES),
        unitId: id.nullish(),
        phone: phone.optional(),
      }),
    )
    .mutation(({ ctx, input }) => createUserAudited(ctx, input)),
  update: capabilityProcedure("editUsers")
    .input(
      z.object({
        userId: id,
        expectedVersion: z.number().int().min(0),
        displayName: name.optional(),
        unitId: id.nullish(),
        disabled: z.boolean().optional(),
        unlock: z.boolean().optional(),
        resetPassword: z.string().min(1).max(128).optional(),
        phone: phone.nullish(),
      }),
    )
    .mutation(({ ctx, input }) => updateUserAudited(ctx, input)),
  grantRole: capabilityProcedure("grantRoles")
    .input(z.object({ userId: id, expectedVersion: z.number().int().min(0), role: z.enum(ROLES) }))
    .mutation(({ ctx, input }) => grantRole(ctx, input)),
  /** Lost authenticator: the security administrator clears the user's TOTP (audited). */
  resetTotp: capabilityProcedure("grantRoles")
    .input(z.object({ userId: id }))
    .mutation(({ ctx, input }) => resetTotp(ctx, input)),
});
