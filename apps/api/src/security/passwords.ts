// Password hashing with scrypt (memory-hard, in Node's crypto) and the password policy.
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from "node:crypto";

const scrypt = (password: string, salt: Buffer, keylen: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scryptCallback(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))),
  );

// N = 2^15, r = 8: 32 MiB per hash (OWASP's scrypt minimum is N=2^17 with r=8 p=1 at 128 MiB, or
// equivalent cost; 2^15 keeps logins under ~100 ms on 2 cores). Parameters are stored per hash.
const PARAMS = { N: 2 ** 15, r: 8, p: 1, keylen: 32 };

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password.normalize("NFKC"), salt, PARAMS.keylen, {
    N: PARAMS.N,
    r: PARAMS.r,
    p: PARAMS.p,
    maxmem: 128 * PARAMS.N * PARAMS.r * 2,
  });
  return ["scrypt", PARAMS.N, PARAMS.r, PARAMS.p, salt.toString("base64"), key.toString("base64")].join("$");
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split("$");
  if (scheme !== "scrypt" || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, "base64");
  const N = Number(n);
  const R = Number(r);
  const key = await scrypt(password.normalize("NFKC"), Buffer.from(salt, "base64"), expected.length, {
    N,
    r: R,
    p: Number(p),
    maxmem: 128 * N * R * 2,
  });
  return timingSafeEqual(key, expected);
}

/** A hash of a random password: compared against when the user does not exist, so timing reveals nothing. */
export const DUMMY_HASH_PROMISE = hashPassword(randomBytes(16).toString("hex"));

/**
 * 等保 身份鉴别: at least 8 characters from at least 3 of 4 classes (lower, upper, digit, symbol),
 * not containing the user name. Returns the problem in Chinese, or null when acceptable.
 */
export function checkPasswordPolicy(password: string, username: string): string | null {
  if (password.length < 8) return "密码长度至少 8 位";
  if (password.length > 128) return "密码长度不能超过 128 位";
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  if (classes < 3) return "密码须包含大写字母、小写字母、数字、符号中的至少三类";
  if (username.length >= 3 && password.toLowerCase().includes(username.toLowerCase())) return "密码不能包含用户名";
  return null;
}
