// rate-limiter-flexible types its store base class but exports it only by path (lib/…), the way
// custom stores are built on it; its public getInMemoryBlockMsBeforeExpire is missing from the types.
declare module "rate-limiter-flexible/lib/RateLimiterStoreAbstract.js" {
  import { RateLimiterStoreAbstract as Base } from "rate-limiter-flexible";
  export default class RateLimiterStoreAbstract extends Base {
    /** ms left of the key's in-memory block; 0 when not blocked here */
    getInMemoryBlockMsBeforeExpire(rlKey: string): number;
  }
}
