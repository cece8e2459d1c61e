/** The one logger (pino, the same one Fastify uses). */
import { destination, pino, type Logger } from 'pino';

export type { Logger };

/** Returns the process logger; JSON lines on stderr, level from LOG_LEVEL (default info); `pid` tells `serve`'s processes apart. */
export function createLogger(level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { app: 'jarida', pid: process.pid } }, destination(2));
}
