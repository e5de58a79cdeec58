// Retry-until-it-works with capped exponential backoff, for outages the processor must ride out without a restart.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';

export interface BackoffOptions {
  /** What is being attempted, for the logs: "connect to Kafka at 127.0.0.1:9092". */
  what: string;
  logger: Logger;
  initialMs?: number;
  maxMs?: number;
  /** Errors for which retrying cannot help are rethrown at once. */
  retryable?: (error: unknown) => boolean;
  signal?: AbortSignal;
}

export async function withBackoff<T>(attempt: () => Promise<T>, options: BackoffOptions): Promise<T> {
  const { what, logger, initialMs = 500, maxMs = 10_000, retryable = () => true, signal } = options;
  let delay = initialMs;
  for (let tries = 1; ; tries++) {
    try {
      const result = await attempt();
      if (tries > 1) logger.info({ tries }, `${what}: succeeded after ${tries} tries`);
      return result;
    } catch (error) {
      if (!retryable(error) || signal?.aborted) throw error;
      logger.warn({ err: error, tries, retryInMs: delay }, `${what} failed: ${(error as Error).message}; retrying in ${delay} ms`);
      await sleep(delay, undefined, { signal });
      delay = Math.min(maxMs, delay * 2);
    }
  }
}
