// Engine flags shared by the annotate, eval and bench subcommands.
import { Option, type Command } from 'commander';
import type { DecoderKind, EngineOptions } from '../engine/types.js';
import { DEFAULT_MODEL_DIR } from '../config/embedded.js';

export { DEFAULT_MODEL_DIR };

export interface EngineFlags {
  model: string;
  modelVariant: 'fp32' | 'int8';
  executionProviders: string;
  threads?: number;
  maxRowsPerPass?: number;
  maxTokensPerPass?: number;
  maxWaitMs?: number;
}

const int = (v: string) => {
  const n = Number.parseInt(v, 10);
  if (!Number.isFinite(n) || n < 0) throw new Error(`not a non-negative integer: ${v}`);
  return n;
};

export function addEngineFlags(cmd: Command): Command {
  return cmd
    .option('--model <dir>', 'model bundle folder', DEFAULT_MODEL_DIR)
    .addOption(new Option('--model-variant <v>', 'model file variant').choices(['fp32', 'int8']).default('fp32'))
    .option('--execution-providers <list>', 'ONNX Runtime execution providers to try in order', 'cpu')
    .option('--threads <n>', 'ONNX Runtime intra-op threads', int)
    .option('--max-rows-per-pass <n>', 'most sequences in one forward pass', int)
    .option('--max-tokens-per-pass <n>', 'most input tokens in one forward pass', int)
    .option('--max-wait-ms <n>', 'how long a lone request waits for company', int);
}

export function addDecoderFlag(cmd: Command, kinds: DecoderKind[] = ['parallel', 'autoregressive']): Command {
  return cmd.addOption(new Option('--decoder <kind>', 'decoding scheme').choices(kinds).default('parallel'));
}

export function engineOptions(f: EngineFlags): EngineOptions {
  return {
    modelDir: f.model,
    variant: f.modelVariant,
    executionProviders: f.executionProviders.split(',').map((s) => s.trim()).filter(Boolean),
    intraOpThreads: f.threads,
    maxRowsPerPass: f.maxRowsPerPass,
    maxTokensPerPass: f.maxTokensPerPass,
    maxWaitMs: f.maxWaitMs,
  };
}
