// Every setting of every command, once: its flag, its environment variable, its JSON-schema type and its help.
// `padellm run` takes them all; annotate, eval and bench take the engine group (engine: true).
// The Helm chart wires the env names below, so they are part of the public interface: never rename one.
import { EMBEDDED_MODEL } from './embedded.js';

export interface Setting {
  key: string;
  flag: string;
  env: string;
  help: string;
  schema: Record<string, unknown>;
  /** Given as a comma list on the command line and in the environment. */
  list?: boolean;
  /** Never logged. */
  secret?: boolean;
  /** An engine option: also a flag of annotate, eval and bench, and a field of EngineOptions. */
  engine?: boolean;
}

const int = (minimum: number, extra: Record<string, unknown> = {}) => ({ type: 'integer', minimum, ...extra });

export const SETTINGS: Setting[] = [
  { key: 'brokers', flag: '--brokers <list>', env: 'PADELLM_BROKERS', list: true,
    help: 'Kafka bootstrap brokers, comma separated (default 127.0.0.1:9092)',
    schema: { type: 'array', items: { type: 'string', pattern: '^[^\\s:]+:\\d+$' }, minItems: 1, default: ['127.0.0.1:9092'] } },
  { key: 'clientId', flag: '--client-id <id>', env: 'PADELLM_CLIENT_ID',
    help: 'Kafka client id (default padellm-stream)', schema: { type: 'string', minLength: 1, default: 'padellm-stream' } },
  { key: 'groupId', flag: '--group-id <id>', env: 'PADELLM_GROUP_ID',
    help: 'consumer group (default padellm-stream)', schema: { type: 'string', minLength: 1, default: 'padellm-stream' } },
  { key: 'inputTopic', flag: '--input-topic <topic>', env: 'PADELLM_INPUT_TOPIC',
    help: 'topic of text events (default padellm-text)', schema: { type: 'string', minLength: 1, default: 'padellm-text' } },
  { key: 'outputTopic', flag: '--output-topic <topic>', env: 'PADELLM_OUTPUT_TOPIC',
    help: 'topic of entity events (default padellm-entities)', schema: { type: 'string', minLength: 1, default: 'padellm-entities' } },
  { key: 'dlqTopic', flag: '--dlq-topic <topic>', env: 'PADELLM_DLQ_TOPIC',
    help: 'dead-letter topic for records that cannot be processed (default padellm-dlq)',
    schema: { type: 'string', minLength: 1, default: 'padellm-dlq' } },
  { key: 'inputFormat', flag: '--input-format <format>', env: 'PADELLM_INPUT_FORMAT',
    help: 'json | avro | text (default json)', schema: { enum: ['json', 'avro', 'text'], default: 'json' } },
  { key: 'outputFormat', flag: '--output-format <format>', env: 'PADELLM_OUTPUT_FORMAT',
    help: 'json | avro (default json)', schema: { enum: ['json', 'avro'], default: 'json' } },
  { key: 'registryUrl', flag: '--registry-url <url>', env: 'PADELLM_REGISTRY_URL',
    help: 'Confluent-compatible schema registry URL (needed for avro)', schema: { type: 'string', pattern: '^https?://' } },
  { key: 'registryUsername', flag: '--registry-username <user>', env: 'PADELLM_REGISTRY_USERNAME',
    help: 'schema registry basic-auth user', schema: { type: 'string' } },
  { key: 'registryPassword', flag: '--registry-password <password>', env: 'PADELLM_REGISTRY_PASSWORD', secret: true,
    help: 'schema registry basic-auth password', schema: { type: 'string' } },
  { key: 'delivery', flag: '--delivery <mode>', env: 'PADELLM_DELIVERY',
    help: 'exactly-once (transactions) | at-least-once (default exactly-once)',
    schema: { enum: ['exactly-once', 'at-least-once'], default: 'exactly-once' } },
  { key: 'transactionalId', flag: '--transactional-id <id>', env: 'PADELLM_TRANSACTIONAL_ID',
    help: 'transactional id; must be stable across restarts of one instance (default padellm-stream-<hostname>)',
    schema: { type: 'string', minLength: 1 } },
  { key: 'saslMechanism', flag: '--sasl-mechanism <mechanism>', env: 'PADELLM_SASL_MECHANISM',
    help: 'none | plain | scram-sha-256 | scram-sha-512 (default none)',
    schema: { enum: ['none', 'plain', 'scram-sha-256', 'scram-sha-512'], default: 'none' } },
  { key: 'saslUsername', flag: '--sasl-username <user>', env: 'PADELLM_SASL_USERNAME',
    help: 'SASL user', schema: { type: 'string' } },
  { key: 'saslPassword', flag: '--sasl-password <password>', env: 'PADELLM_SASL_PASSWORD', secret: true,
    help: 'SASL password', schema: { type: 'string' } },
  { key: 'tls', flag: '--tls <bool>', env: 'PADELLM_TLS',
    help: 'connect to the brokers over TLS (default false)', schema: { type: 'boolean', default: false } },
  { key: 'tlsCaFile', flag: '--tls-ca-file <path>', env: 'PADELLM_TLS_CA_FILE',
    help: 'PEM file of CA certificates to trust', schema: { type: 'string', minLength: 1 } },
  { key: 'tlsCertFile', flag: '--tls-cert-file <path>', env: 'PADELLM_TLS_CERT_FILE',
    help: 'PEM client certificate (mutual TLS)', schema: { type: 'string', minLength: 1 } },
  { key: 'tlsKeyFile', flag: '--tls-key-file <path>', env: 'PADELLM_TLS_KEY_FILE',
    help: 'PEM client key (mutual TLS)', schema: { type: 'string', minLength: 1 } },
  { key: 'tlsRejectUnauthorized', flag: '--tls-reject-unauthorized <bool>', env: 'PADELLM_TLS_REJECT_UNAUTHORIZED',
    help: 'verify the brokers\' certificates (default true)', schema: { type: 'boolean', default: true } },
  { key: 'modelDir', engine: true, flag: '--model-dir <dir>', env: 'PADELLM_MODEL_DIR',
    help: `model bundle folder (default: the embedded models/${EMBEDDED_MODEL})`, schema: { type: 'string', minLength: 1 } },
  { key: 'modelVariant', engine: true, flag: '--model-variant <variant>', env: 'PADELLM_MODEL_VARIANT',
    help: 'fp32 | int8 (default fp32)', schema: { enum: ['fp32', 'int8'], default: 'fp32' } },
  { key: 'executionProviders', engine: true, flag: '--execution-providers <list>', env: 'PADELLM_EXECUTION_PROVIDERS', list: true,
    help: 'ONNX Runtime execution providers tried in order, comma separated (default cpu)',
    schema: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1, default: ['cpu'] } },
  { key: 'intraOpThreads', engine: true, flag: '--intra-op-threads <n>', env: 'PADELLM_INTRA_OP_THREADS',
    help: 'ONNX Runtime intra-op threads (default: runtime\'s choice)', schema: int(1) },
  { key: 'interOpThreads', engine: true, flag: '--inter-op-threads <n>', env: 'PADELLM_INTER_OP_THREADS',
    help: 'ONNX Runtime inter-op threads (default: runtime\'s choice)', schema: int(1) },
  { key: 'maxRowsPerPass', engine: true, flag: '--max-rows-per-pass <n>', env: 'PADELLM_MAX_ROWS_PER_PASS',
    help: 'engine: most sequences in one forward pass (default 64)', schema: int(1, { default: 64 }) },
  { key: 'maxTokensPerPass', engine: true, flag: '--max-tokens-per-pass <n>', env: 'PADELLM_MAX_TOKENS_PER_PASS',
    help: 'engine: most input tokens in one forward pass (default 4096)', schema: int(1, { default: 4096 }) },
  { key: 'maxWaitMs', engine: true, flag: '--max-wait-ms <ms>', env: 'PADELLM_MAX_WAIT_MS',
    // No wait by default: with continuous batching a request that arrives during a pass joins the next one anyway,
    // while a timer wait costs every lone request 2-4 ms (measured: 3.6 ms per message at batch 1 with 2 ms).
    help: 'engine: how long a request may wait for company before a pass (default 0: requests join the next pass)',
    schema: int(0, { default: 0 }) },
  { key: 'draftTokens', engine: true, flag: '--draft-tokens <n>', env: 'PADELLM_DRAFT_TOKENS',
    help: 'engine: text tokens a mention row drafts and verifies in one pass; 0 decodes one token per pass (default 8)',
    schema: int(0, { maximum: 64, default: 8 }) },
  { key: 'guessFirstMention', engine: true, flag: '--guess-first-mention <bool>', env: 'PADELLM_GUESS_FIRST_MENTION',
    help: 'engine: each label row also carries mention row 1 of a count of 1, saving a pass where the count is 1 ' +
      '(same output; more tokens in that pass) (default false: the tokens cost more than the pass on a CPU)',
    schema: { type: 'boolean', default: false } },
  { key: 'mentionsFromText', engine: true, flag: '--mentions-from-text <bool>', env: 'PADELLM_MENTIONS_FROM_TEXT',
    help: 'engine: step 2 keeps each mention a span of the text (the most probable token that does, else the end); ' +
      'false decodes plain greedy (default true)',
    schema: { type: 'boolean', default: true } },
  { key: 'probeNextMention', engine: true, flag: '--probe-next-mention <bool>', env: 'PADELLM_PROBE_NEXT_MENTION',
    help: 'engine: each label counted n >= 1 also asks for mention n+1 and keeps it when new for the label: higher ' +
      'recall, lower precision, one more row per such label (default false: the paper\'s scheme)',
    schema: { type: 'boolean', default: false } },
  { key: 'maxInflight', flag: '--max-inflight <n>', env: 'PADELLM_MAX_INFLIGHT',
    help: 'messages admitted to the engine before partitions pause (default 64)', schema: int(1, { default: 64 }) },
  { key: 'maxTextChars', flag: '--max-text-chars <n>', env: 'PADELLM_MAX_TEXT_CHARS',
    help: 'hard cap on text length; longer texts are dead-lettered (default 100000)', schema: int(1, { default: 100000 }) },
  { key: 'httpPort', flag: '--http-port <port>', env: 'PADELLM_HTTP_PORT',
    help: 'port of /metrics, /healthz, /readyz; 0 picks a free one (default 9464)',
    schema: int(0, { maximum: 65535, default: 9464 }) },
  { key: 'logLevel', flag: '--log-level <level>', env: 'PADELLM_LOG_LEVEL',
    help: 'trace | debug | info | warn | error | fatal | silent (default info)',
    schema: { enum: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], default: 'info' } },
  { key: 'shutdownTimeoutMs', flag: '--shutdown-timeout-ms <ms>', env: 'PADELLM_SHUTDOWN_TIMEOUT_MS',
    help: 'longest a graceful shutdown may take before the process exits anyway (default 25000)',
    schema: int(0, { default: 25000 }) },
  { key: 'commitMaxRecords', flag: '--commit-max-records <n>', env: 'PADELLM_COMMIT_MAX_RECORDS',
    help: 'commit a transaction once it holds this many output records (default 500)', schema: int(1, { default: 500 }) },
  { key: 'commitMaxBytes', flag: '--commit-max-bytes <n>', env: 'PADELLM_COMMIT_MAX_BYTES',
    help: 'commit a transaction once its records hold this many bytes (default 1048576)',
    schema: int(1, { default: 1048576 }) },
  { key: 'commitIntervalMs', flag: '--commit-interval-ms <ms>', env: 'PADELLM_COMMIT_INTERVAL_MS',
    help: 'how long a record may wait for company before its transaction commits; 0 commits as soon as the previous ' +
      'commit is done, so busy streams still get large transactions (default 0)', schema: int(0, { default: 0 }) },
];
