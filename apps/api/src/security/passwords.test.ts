import { describe, expect, it } from "vitest";
import { checkPasswordPolicy, hashPassword, verifyPassword } from "./passwords";

describe("password hashing (scrypt)", () => {
  it("verifies the right password and refuses a wrong one", async () => {
    const hash = await hashPassword("Correct#Horse9");
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(await verifyPassword("Correct#Horse9", hash)).toBe(true);
    expect(await verifyPassword("correct#horse9", hash)).toBe(false);
  });

  it("salts every hash", async () => {
    expect(await hashPassword("Same#Pass1")).not.toBe(await hashPassword("Same#Pass1"));
  });

  it("treats a malformed stored hash as a mismatch", async () => {
    expect(await verifyPassword("x", "plain-text")).toBe(false);
  });
});

describe("password policy", () => {
  it.each([
    ["Ab1!", "zhang", "密码长度至少 8 位"],
    ["abcdefgh1", "zhang", "密码须包含大写字母、小写字母、数字、符号中的至少三类"],
    ["Zhang#2026x", "zhang", "密码不能包含用户名"],
    ["Str0ng!pass", "zhang", null],
    ["STRONG1!PASS", "li", null],
  ])("%s for %s → %s", (password, username, expected) => {
    expect(checkPasswordPolicy(password, username)).toBe(expected);
  });
});
