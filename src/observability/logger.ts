// pino JSON logs on stdout, and a bridge that routes kafkajs's own log lines through the same logger.
import { pino, type Logger } from 'pino';
import { logLevel as KafkaLogLevel, type logCreator } from 'kafkajs';

export type { Logger };

/** Paths pino blanks wherever a config or client options object is logged. */
const REDACT = ['*.saslPassword', '*.registryPassword', '*.password', 'password', 'sasl.password'];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, base: { service: 'padellm-stream' }, redact: { paths: REDACT, censor: '[redacted]' } },
    destination ?? pino.destination({ dest: 1, sync: false }));
}

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [KafkaLogLevel.ERROR]: 'error', [KafkaLogLevel.WARN]: 'warn', [KafkaLogLevel.INFO]: 'info', [KafkaLogLevel.DEBUG]: 'debug',
};

export function kafkaLogCreator(logger: Logger): logCreator {
  const child = logger.child({ component: 'kafkajs' });
  return () => ({ namespace, level, log }) => {
    const { message, ...extra } = log;
    // kafkajs logs every failed request (Connection) and every retry at ERROR; its retry layer and ours handle
    // them, so they are warnings: what is still failing after the retries is logged as an error by the processor.
    const retried = namespace === 'Connection' || extra.retryCount !== undefined;
    const name = LEVELS[level] === 'error' && retried ? 'warn' : LEVELS[level] ?? 'info';
    child[name]({ namespace, ...extra }, message);
  };
}

/** kafkajs's level matching a pino level name. */
export function kafkaLogLevel(level: string): KafkaLogLevel {
  switch (level) {
    case 'trace': return KafkaLogLevel.DEBUG; // kafkajs's debug logs every request: only when asked for all
    case 'debug': case 'info': return KafkaLogLevel.INFO;
    case 'warn': return KafkaLogLevel.WARN;
    case 'silent': return KafkaLogLevel.NOTHING;
    default: return KafkaLogLevel.ERROR;
  }
}
