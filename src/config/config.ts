// Validates the settings of `padellm run` once, at start, against one JSON schema (ajv) and fills defaults.
import { hostname } from 'node:os';
import { accessSync, constants } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { ConfigError } from '../errors.js';
import { SETTINGS } from './settings.js';

export type InputFormat = 'json' | 'avro' | 'text';
export type OutputFormat = 'json' | 'avro';
export type Delivery = 'exactly-once' | 'at-least-once';
export type SaslMechanism = 'none' | 'plain' | 'scram-sha-256' | 'scram-sha-512';

export interface Config {
  brokers: string[];
  clientId: string;
  groupId: string;
  inputTopic: string;
  outputTopic: string;
  dlqTopic: string;
  inputFormat: InputFormat;
  outputFormat: OutputFormat;
  registryUrl?: string;
  registryUsername?: string;
  registryPassword?: string;
  delivery: Delivery;
  transactionalId: string;
  saslMechanism: SaslMechanism;
  saslUsername?: string;
  saslPassword?: string;
  tls: boolean;
  tlsCaFile?: string;
  tlsCertFile?: string;
  tlsKeyFile?: string;
  tlsRejectUnauthorized: boolean;
  modelDir: string;
  modelVariant: 'fp32' | 'int8';
  executionProviders: string[];
  intraOpThreads?: number;
  interOpThreads?: number;
  maxRowsPerPass: number;
  maxTokensPerPass: number;
  maxWaitMs: number;
  draftTokens: number;
  guessFirstMention: boolean;
  mentionsFromText: boolean;
  probeNextMention: boolean;
  maxInflight: number;
  maxTextChars: number;
  httpPort: number;
  logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
  shutdownTimeoutMs: number;
  commitMaxRecords: number;
  commitMaxBytes: number;
  commitIntervalMs: number;
}

import { DEFAULT_MODEL_DIR } from './embedded.js';
import { ENGINE_KEYS, type ResolvedEngineOptions } from './engine-options.js';

export const CONFIG_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: Object.fromEntries(SETTINGS.map((s) => [s.key, s.schema])),
  allOf: [
    { if: { anyOf: [{ required: ['inputFormat'], properties: { inputFormat: { const: 'avro' } } },
      { required: ['outputFormat'], properties: { outputFormat: { const: 'avro' } } }] },
      then: { required: ['registryUrl'] } },
    { if: { required: ['saslMechanism'], properties: { saslMechanism: { enum: ['plain', 'scram-sha-256', 'scram-sha-512'] } } },
      then: { required: ['saslUsername', 'saslPassword'] } },
    { dependencies: { tlsCertFile: ['tlsKeyFile'], tlsKeyFile: ['tlsCertFile'], registryUsername: ['registryPassword'] } },
  ],
} as const;

/** The engine group alone: what annotate, eval, bench and createEngine validate. */
const ENGINE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: Object.fromEntries(SETTINGS.filter((s) => s.engine).map((s) => [s.key, s.schema])),
} as const;

const ajv = new Ajv({ allErrors: true, useDefaults: true, coerceTypes: true });
const validate = ajv.compile(CONFIG_SCHEMA);
const validateEngine = ajv.compile(ENGINE_SCHEMA);

const byKey = new Map(SETTINGS.map((s) => [s.key, s]));

function describe(error: ErrorObject): string {
  const key = error.instancePath.split('/')[1] ?? (error.params as { missingProperty?: string }).missingProperty;
  const setting = key ? byKey.get(key) : undefined;
  const name = setting ? `${setting.flag.split(' ')[0]} (${setting.env})` : key ?? 'settings';
  if (error.keyword === 'required' || error.keyword === 'dependencies') {
    const missing = byKey.get((error.params as { missingProperty: string }).missingProperty);
    const given = byKey.get((error.params as { property?: string }).property ?? '');
    const why = given ? `required with ${given.flag.split(' ')[0]}` : 'required with these settings';
    return `${missing?.flag.split(' ')[0]} (${missing?.env}) is ${why}`;
  }
  if (error.keyword === 'enum') return `${name} must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
  if (error.keyword === 'additionalProperties') return `unknown setting ${(error.params as { additionalProperty: string }).additionalProperty}`;
  return `${name} ${error.message}`;
}

/** Empty strings count as unset, so a Helm chart may pass every variable; lists may come as comma lists. */
function normalize(raw: Record<string, unknown>): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined || value === '') continue;
    const setting = byKey.get(key);
    input[key] = setting?.list && typeof value === 'string'
      ? value.split(',').map((v) => v.trim()).filter((v) => v !== '')
      : value;
  }
  return input;
}

function check(validator: typeof validate, input: Record<string, unknown>): void {
  if (validator(input)) return;
  const messages = [...new Set((validator.errors ?? []).filter((e) => e.keyword !== 'if').map(describe))];
  throw new ConfigError(`invalid settings: ${messages.join('; ')}`);
}

/** Turns raw values (strings from flags or the environment, or typed values) into a validated Config. */
export function loadConfig(raw: Record<string, unknown>): Config {
  const input = normalize(raw);
  check(validate, input);
  const config = input as unknown as Config;
  config.transactionalId ??= `padellm-stream-${hostname()}`;
  config.modelDir ??= DEFAULT_MODEL_DIR;
  for (const key of ['tlsCaFile', 'tlsCertFile', 'tlsKeyFile'] as const) {
    const path = config[key];
    if (path === undefined) continue;
    try { accessSync(path, constants.R_OK); } catch {
      throw new ConfigError(`${byKey.get(key)?.flag.split(' ')[0]} (${byKey.get(key)?.env}): cannot read ${path}`);
    }
  }
  return config;
}

/** The engine group of the same table, validated the same way: keys outside it are refused. */
export function loadEngineOptions(raw: Record<string, unknown>): ResolvedEngineOptions {
  const input = normalize(Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)));
  check(validateEngine, input);
  const options = input as unknown as ResolvedEngineOptions;
  options.modelDir ??= DEFAULT_MODEL_DIR;
  return options;
}

/** The engine group's raw values out of a bag of flags (commander gives every option of the command). */
export function engineFlags(flags: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(ENGINE_KEYS.map((k) => [k, flags[k]]));
}

/** Raw settings from the environment alone (flags are read by commander, which also falls back to these). */
export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string | undefined> {
  return Object.fromEntries(SETTINGS.map((s) => [s.key, env[s.env]]));
}

/** A copy safe to log: secrets replaced. */
export function redactConfig(config: Config): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...config };
  for (const s of SETTINGS) if (s.secret && copy[s.key] !== undefined) copy[s.key] = '[redacted]';
  return copy;
}
