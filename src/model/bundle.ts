// Loads and validates a model bundle folder (models/README.md is the contract).
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv } from 'ajv';
import { ModelBundleError } from '../errors.js';

export interface PadellmConfig {
  name: string;
  version: string;
  labels: string[];
  templates: { prompt: string; count: string; mention: string; ar_prompt: string; ar_item: string };
  tokens: { eos_id: number; newline_id: number; pad_id: number; bos_id: number | null };
  limits: {
    max_count: number; max_count_tokens: number; max_mention_tokens: number;
    max_ar_tokens: number; max_positions: number;
  };
  architecture: {
    family: string; layers: number; kv_heads: number; head_dim: number;
    kv_dtype: 'float32' | 'float16'; has_position_ids: boolean; vocab_size: number;
  };
  files: { model: string; model_int8?: string | null; tokenizer: string };
}

export interface ModelBundle {
  dir: string;
  config: PadellmConfig;
  tokenizerJson: object;
  /** tokenizer_config.json when the bundle ships one, else {}. */
  tokenizerConfig: object;
  modelPath(variant: 'fp32' | 'int8'): string;
}

const int = { type: 'integer', minimum: 0 };
const pos = { type: 'integer', minimum: 1 };
const schema = {
  type: 'object',
  required: ['name', 'version', 'labels', 'templates', 'tokens', 'limits', 'architecture', 'files'],
  properties: {
    name: { type: 'string', minLength: 1 },
    version: { type: 'string', minLength: 1 },
    labels: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', minLength: 1 } },
    templates: {
      type: 'object',
      required: ['prompt', 'count', 'mention', 'ar_prompt', 'ar_item'],
      properties: {
        // The engine forks the prompt at {label}, so the text must come before it.
        prompt: { type: 'string', pattern: '\\{text\\}[\\s\\S]*\\{label\\}' },
        count: { type: 'string', pattern: '\\{count\\}' },
        mention: { type: 'string', pattern: '\\{k\\}[\\s\\S]*\\{mention\\}$' },
        ar_prompt: { type: 'string', pattern: '\\{text\\}' },
        ar_item: { type: 'string', pattern: '\\{label\\}[\\s\\S]*\\{mention\\}' },
      },
    },
    tokens: {
      type: 'object',
      required: ['eos_id', 'newline_id', 'pad_id', 'bos_id'],
      properties: { eos_id: int, newline_id: int, pad_id: int, bos_id: { anyOf: [int, { type: 'null' }] } },
    },
    limits: {
      type: 'object',
      required: ['max_count', 'max_count_tokens', 'max_mention_tokens', 'max_ar_tokens', 'max_positions'],
      properties: {
        max_count: pos, max_count_tokens: pos, max_mention_tokens: pos, max_ar_tokens: pos, max_positions: pos,
      },
    },
    architecture: {
      type: 'object',
      required: ['family', 'layers', 'kv_heads', 'head_dim', 'kv_dtype', 'has_position_ids', 'vocab_size'],
      properties: {
        family: { type: 'string' }, layers: pos, kv_heads: pos, head_dim: pos,
        kv_dtype: { enum: ['float32', 'float16'] }, has_position_ids: { type: 'boolean' }, vocab_size: pos,
      },
    },
    files: {
      type: 'object',
      required: ['model', 'tokenizer'],
      properties: {
        model: { type: 'string' }, model_int8: { anyOf: [{ type: 'string' }, { type: 'null' }] }, tokenizer: { type: 'string' },
      },
    },
  },
};

const validate = new Ajv({ allErrors: true }).compile<PadellmConfig>(schema);

function readJson(path: string, what: string): object {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as object;
  } catch (err) {
    throw new ModelBundleError(`cannot read ${what} ${path}: ${(err as Error).message}`, { cause: err });
  }
}

export function loadBundle(dirArg: string): ModelBundle {
  const dir = resolve(dirArg);
  const configPath = join(dir, 'padellm.json');
  if (!existsSync(configPath)) throw new ModelBundleError(`${configPath} not found: --model-dir (PADELLM_MODEL_DIR) must name a bundle folder (models/README.md)`);
  const config = readJson(configPath, 'bundle config');
  if (!validate(config)) {
    const why = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
    throw new ModelBundleError(`${configPath} is invalid: ${why}`);
  }
  const tokenizerPath = join(dir, config.files.tokenizer);
  if (!existsSync(tokenizerPath)) throw new ModelBundleError(`tokenizer ${tokenizerPath} not found`);
  const modelFile = join(dir, config.files.model);
  if (!existsSync(modelFile)) throw new ModelBundleError(`model ${modelFile} not found`);
  const tokenizerConfigPath = join(dir, 'tokenizer_config.json');
  return {
    dir,
    config,
    tokenizerJson: readJson(tokenizerPath, 'tokenizer'),
    tokenizerConfig: existsSync(tokenizerConfigPath) ? readJson(tokenizerConfigPath, 'tokenizer config') : {},
    modelPath(variant) {
      if (variant === 'fp32') return modelFile;
      if (!config.files.model_int8) throw new ModelBundleError(`bundle ${dir} has no int8 model`);
      const path = join(dir, config.files.model_int8);
      if (!existsSync(path)) throw new ModelBundleError(`int8 model ${path} not found`);
      return path;
    },
  };
}
