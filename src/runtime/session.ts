// Opens the ONNX decoder and reads its real I/O layout from the session, not from padellm.json alone.
import * as ort from 'onnxruntime-node';
import { ModelBundleError, RuntimeError } from '../errors.js';
import type { KvShape, KvView } from './kv.js';
import { Forward } from './forward.js';
import type { RunPass } from '../types/pass.js';

export interface SessionOptions {
  executionProviders?: string[];
  intraOpThreads?: number;
  interOpThreads?: number;
}

export interface DecoderLayout {
  kv: KvShape;
  hasPositionIds: boolean;
  /** padellm's extension of the Optimum contract: logits only at the positions the caller reads. */
  hasLogitsPositions: boolean;
  vocabSize: number;
  logitsDtype: 'float32' | 'float16';
  /** Past inputs and present outputs in the same order: key then value per layer. */
  pastNames: string[];
  presentNames: string[];
  /** padellm's extension: the new positions' K/V alone (`new_key_values.*`, same order), fetched instead of
   * `present.*` so a pass does not hand every row's whole past back (training/padellm/rewrite_graph.py). */
  newKvNames: string[] | null;
}

/** An open decoder: passes in, logits and extended caches out. No ONNX Runtime object leaves runtime/. */
export interface OpenedSession {
  forward: RunPass<KvView>;
  layout: DecoderLayout;
  executionProvider: string;
  /** Why the providers before it did not load. */
  skippedProviders: string[];
  close(): Promise<void>;
}

function tensorMeta(list: readonly ort.InferenceSession.ValueMetadata[], name: string) {
  const m = list.find((x) => x.name === name);
  return m && m.isTensor ? m : undefined;
}

function readLayout(session: ort.InferenceSession, fallback: { kv_heads: number; head_dim: number; vocab_size: number }): DecoderLayout {
  const inputs = session.inputNames;
  for (const need of ['input_ids', 'attention_mask']) {
    if (!inputs.includes(need)) throw new ModelBundleError(`decoder has no ${need} input (inputs: ${inputs.join(', ')})`);
  }
  if (!session.outputNames.includes('logits')) throw new ModelBundleError('decoder has no logits output');
  const pastNames: string[] = [];
  const presentNames: string[] = [];
  for (let i = 0; inputs.includes(`past_key_values.${i}.key`); i++) {
    for (const part of ['key', 'value']) {
      const present = `present.${i}.${part}`;
      if (!inputs.includes(`past_key_values.${i}.${part}`) || !session.outputNames.includes(present)) {
        throw new ModelBundleError(`decoder lacks past_key_values.${i}.${part} or ${present}`);
      }
      pastNames.push(`past_key_values.${i}.${part}`);
      presentNames.push(present);
    }
  }
  if (pastNames.length === 0) throw new ModelBundleError('decoder has no past_key_values inputs: export it with past');
  const past0 = tensorMeta(session.inputMetadata, pastNames[0]);
  const dim = (d: number | string | undefined, dflt: number) => (typeof d === 'number' && d > 0 ? d : dflt);
  const dtype = past0?.type === 'float16' ? 'float16' : 'float32';
  const logits = tensorMeta(session.outputMetadata, 'logits');
  const newKvNames = presentNames.map((n) => n.replace(/^present\./, 'new_key_values.'));
  return {
    kv: {
      layers: pastNames.length / 2,
      heads: dim(past0?.shape[1], fallback.kv_heads),
      headDim: dim(past0?.shape[3], fallback.head_dim),
      dtype,
    },
    hasPositionIds: inputs.includes('position_ids'),
    hasLogitsPositions: inputs.includes('logits_positions'),
    vocabSize: dim(logits?.shape[2], fallback.vocab_size),
    logitsDtype: logits?.type === 'float16' ? 'float16' : 'float32',
    pastNames,
    presentNames,
    newKvNames: newKvNames.every((n) => session.outputNames.includes(n)) ? newKvNames : null,
  };
}

/** Tries each execution provider in order; the first that loads wins. */
export async function openSession(
  modelPath: string, arch: { kv_heads: number; head_dim: number; vocab_size: number }, padId: number, opts: SessionOptions,
): Promise<OpenedSession> {
  const providers = opts.executionProviders?.length ? opts.executionProviders : ['cpu'];
  const failures: string[] = [];
  for (const ep of providers) {
    try {
      const session = await ort.InferenceSession.create(modelPath, {
        executionProviders: [ep],
        graphOptimizationLevel: 'all',
        // Every pass has new shapes (rows, input and past lengths): ONNX Runtime's CPU arena keeps the largest chunks
        // it ever handed out and crept upward over a 30-minute soak (+8.5% after the first minute); without it
        // memory follows the live tensors, at no measurable throughput cost (83.7 vs 82.4 msg/s, 16k messages).
        enableCpuMemArena: false,
        // Idle intra-op threads do not spin: spinning burns CPU the Kafka client and neighbouring pods need, and it
        // bought no throughput on the embedded model.
        extra: { session: { intra_op: { allow_spinning: '0' } } },
        ...(opts.intraOpThreads ? { intraOpNumThreads: opts.intraOpThreads } : {}),
        ...(opts.interOpThreads ? { interOpNumThreads: opts.interOpThreads } : {}),
      });
      const layout = readLayout(session, arch);
      const forward = new Forward(session, layout, padId);
      return {
        forward: (rows) => forward.run(rows), layout, executionProvider: ep, skippedProviders: failures,
        close: () => session.release(),
      };
    } catch (err) {
      if (err instanceof ModelBundleError) throw err;
      failures.push(`${ep}: ${(err as Error).message}`);
    }
  }
  throw new RuntimeError(`no execution provider could load ${modelPath}: ${failures.join('; ')}`);
}
