// The kafkajs client from the settings: brokers, SASL, TLS, logs through pino.
import { readFileSync } from 'node:fs';
import { Kafka, type KafkaConfig, type SASLOptions } from 'kafkajs';
import type { Config } from '../config/config.js';
import { kafkaLogCreator, kafkaLogLevel, type Logger } from '../observability/logger.js';

type KafkaSettings = Pick<Config, 'brokers' | 'clientId' | 'saslMechanism' | 'saslUsername' | 'saslPassword' | 'tls' |
  'tlsCaFile' | 'tlsCertFile' | 'tlsKeyFile' | 'tlsRejectUnauthorized' | 'logLevel'>;

function sasl(settings: KafkaSettings): SASLOptions | undefined {
  if (settings.saslMechanism === 'none') return undefined;
  return { mechanism: settings.saslMechanism, username: settings.saslUsername!, password: settings.saslPassword! } as SASLOptions;
}

function tls(settings: KafkaSettings): KafkaConfig['ssl'] {
  if (!settings.tls) return false;
  return {
    rejectUnauthorized: settings.tlsRejectUnauthorized,
    ca: settings.tlsCaFile ? [readFileSync(settings.tlsCaFile, 'utf8')] : undefined,
    cert: settings.tlsCertFile ? readFileSync(settings.tlsCertFile, 'utf8') : undefined,
    key: settings.tlsKeyFile ? readFileSync(settings.tlsKeyFile, 'utf8') : undefined,
  };
}

export function createKafka(settings: KafkaSettings, logger: Logger): Kafka {
  return new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    sasl: sasl(settings),
    ssl: tls(settings),
    connectionTimeout: 3000,
    logLevel: kafkaLogLevel(settings.logLevel),
    logCreator: kafkaLogCreator(logger),
    // Ride out a broker restart; the processor's own backoff takes over when these run out.
    retry: { initialRetryTime: 300, maxRetryTime: 10_000, retries: 8 },
  });
}
