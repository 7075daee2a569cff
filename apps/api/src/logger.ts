import { pino, type Logger } from "pino";

export function createLogger(level: string = "info"): Logger {
  return pino({ level, base: { service: "duban-api" }, redact: ["req.headers.cookie", "password", "*.password"] });
}
