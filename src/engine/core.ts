// The engine inside its worker thread: bundle, tokenizer, ONNX session, scheduler and decoders, all on one thread
// so KV caches never cross threads. A request is a whole document: labels are checked once, and a text longer than
// the window is split into sentence chunks with the tokenizer right here, decoded together and merged back.
import { UnknownLabelError } from '../errors.js';
import type { ResolvedEngineOptions } from '../config/engine-options.js';
import type { Config } from '../config/config.js';
import { loadBundle, type ModelBundle } from '../model/bundle.js';
import { Templates } from '../model/templates.js';
import { TextTokenizer } from '../model/tokenizer.js';
import { splitText } from '../chunking/split.js';
import { mergeChunkEntities } from '../chunking/merge.js';
import { AutoregressiveTask } from '../decoding/autoregressive.js';
import { toEntities } from '../decoding/entities.js';
import { ParallelTask } from '../decoding/parallel.js';
import { countReader, countStopFor } from '../decoding/steps.js';
import { ReferenceTask } from '../decoding/reference.js';
import type { DecodeContext, DecodeTask } from '../decoding/task.js';
import type { KvShape, KvView } from '../runtime/kv.js';
import { openSession, type OpenedSession } from '../runtime/session.js';
import { Scheduler } from '../scheduler/scheduler.js';
import type { DecoderKind } from '../types/entity.js';
import type { AnnotateRequest, AnnotateResult, ModelInfo } from './types.js';

/** A plain Optimum decoder returns logits for every input position: keep one pass's logits under this many bytes. */
const LOGITS_BUDGET_BYTES = 512 * 2 ** 20;
/** A pass copies each row's past into padded tensors (rows x longest past): keep that under this many bytes. The 135M
 * default holds 46 KB a position, so 64 rows over a 93-token past were 267 MB, twice over with ONNX Runtime's present
 * tensors, and the processor's RSS reached 1.5-2 GB at 64 messages in flight; bigger passes buy nothing on a
 * compute-bound CPU, where a pass costs about its token count. */
const PAST_BUDGET_BYTES = 96 * 2 ** 20;

/** The decoding settings (settings.ts). */
export type DecodeSettings = Pick<Config, 'draftTokens' | 'guessFirstMention' | 'mentionsFromText' | 'probeNextMention'>;

export function decodeContext(bundle: ModelBundle, tokenizer: TextTokenizer, templates: Templates,
  settings: DecodeSettings): DecodeContext {
  const { tokens, limits } = bundle.config;
  const base = {
    eosId: tokens.eos_id, newlineId: tokens.newline_id, limits, prompts: templates, maxDraftTokens: settings.draftTokens,
    guessFirstMention: settings.guessFirstMention, mentionsFromText: settings.mentionsFromText,
    probeNextMention: settings.probeNextMention,
    decode: (ids: readonly number[]) => tokenizer.decode(ids), encode: (text: string) => tokenizer.encode(text),
    offsets: (ids: readonly number[]) => tokenizer.offsets(ids),
  };
  return { ...base, readCount: countReader(base), countStop: countStopFor(base) };
}

interface ChunkJob { text: string; ids: number[]; labels: string[]; decoder: DecoderKind; dedup: boolean }

export class EngineCore {
  private constructor(
    private readonly tokenizer: TextTokenizer,
    private readonly session: OpenedSession,
    private readonly scheduler: Scheduler<KvView>,
    readonly model: ModelInfo,
    private readonly ctx: DecodeContext,
  ) {}

  static async open(opts: ResolvedEngineOptions): Promise<EngineCore> {
    const bundle = loadBundle(opts.modelDir);
    const { config } = bundle;
    const tokenizer = new TextTokenizer(bundle.tokenizerJson, bundle.tokenizerConfig);
    const templates = new Templates(config, tokenizer);
    const session = await openSession(bundle.modelPath(opts.modelVariant), config.architecture, config.tokens.pad_id, {
      executionProviders: opts.executionProviders, intraOpThreads: opts.intraOpThreads, interOpThreads: opts.interOpThreads,
    });
    const scheduler = new Scheduler<KvView>(session.forward, {
      maxRowsPerPass: opts.maxRowsPerPass,
      maxTokensPerPass: Math.max(1, Math.min(opts.maxTokensPerPass, Math.floor(LOGITS_BUDGET_BYTES / (4 * session.layout.vocabSize)))),
      maxWaitMs: opts.maxWaitMs,
      maxPastPerPass: Math.floor(PAST_BUDGET_BYTES / kvBytesPerPosition(session.layout.kv)),
    });
    const model: ModelInfo = {
      name: config.name,
      version: config.version,
      labels: config.labels,
      maxTextTokens: config.limits.max_positions - templates.overheadTokens(config.labels),
      executionProvider: session.executionProvider,
      skippedProviders: session.skippedProviders,
    };
    return new EngineCore(tokenizer, session, scheduler, model, decodeContext(bundle, tokenizer, templates, opts));
  }

  async annotate(req: AnnotateRequest): Promise<AnnotateResult> {
    const known = this.model.labels;
    const unknown = (req.labels ?? []).filter((l) => !known.includes(l));
    if (unknown.length > 0) throw new UnknownLabelError(unknown, known);
    // Keep the model's label order: dedup ties and output order depend on it.
    const labels = req.labels ? known.filter((l) => req.labels!.includes(l)) : known;
    const job = { labels, decoder: req.decoder ?? 'parallel', dedup: req.dedup ?? true };
    if (req.text.trim().length === 0 || labels.length === 0) {
      return { entities: [], stats: { tokensForwarded: 0, passes: 0, decodeMs: 0, queueMs: 0, unaligned: 0, chunks: 0 } };
    }
    const max = this.model.maxTextTokens;
    const ids = this.tokenizer.encode(req.text);
    if (ids.length <= max) return this.decode({ ...job, text: req.text, ids });
    const count = (t: string) => this.tokenizer.encode(t).length;
    const chunks = splitText(req.text, max, count);
    const results = await Promise.all(chunks.map((c) => this.decode({ ...job, text: c.text, ids: this.tokenizer.encode(c.text) })));
    const sum = (f: (r: AnnotateResult) => number) => results.reduce((n, r) => n + f(r), 0);
    return {
      entities: mergeChunkEntities(chunks.map((chunk, i) => ({ chunk, entities: results[i].entities })), req.text.length),
      stats: {
        tokensForwarded: sum((r) => r.stats.tokensForwarded), passes: sum((r) => r.stats.passes),
        decodeMs: sum((r) => r.stats.decodeMs), queueMs: results[0].stats.queueMs,
        unaligned: sum((r) => r.stats.unaligned), chunks: chunks.length,
      },
    };
  }

  close(): Promise<void> {
    return this.session.close();
  }

  /** One window-sized text through its decoder. */
  private async decode(job: ChunkJob): Promise<AnnotateResult> {
    const task = this.task(job.decoder, job.ids, job.labels);
    const stats = await this.scheduler.submit(task);
    const { entities, unaligned } = toEntities(job.text, task.mentions(), job.labels, job.dedup);
    return { entities, stats: { ...stats, unaligned, chunks: 1 } };
  }

  private task(kind: DecoderKind, ids: number[], labels: string[]): DecodeTask<KvView> {
    if (kind === 'autoregressive') return new AutoregressiveTask(this.ctx, ids, labels);
    if (kind === 'reference') return new ReferenceTask(this.ctx, ids, labels);
    return new ParallelTask(this.ctx, ids, labels);
  }
}

function kvBytesPerPosition(kv: KvShape): number {
  return 2 * kv.layers * kv.heads * kv.headDim * (kv.dtype === 'float16' ? 2 : 4);
}
