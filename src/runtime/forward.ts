// One forward pass over rows of different past and input lengths, padded into common tensors.
import * as ort from 'onnxruntime-node';
import { halfToFloat } from './float16.js';
import { appendKv, writePast, type KvArray, type KvView } from './kv.js';
import type { DecoderLayout } from './session.js';
import type { PassOutput, PassRow } from '../types/pass.js';

type Row = PassRow<KvView>;
type Output = PassOutput<KvView>;

const GROWTH_STEP = 64 * 1024;

const wanted = (r: Row) => r.logitsAt ?? [r.tokens.length - 1];

/** Typed-array views over buffers that grow and are reused, so steady decoding allocates no big arrays. They grow to
 * what a pass needs, not by doubling: a big model's 2 x layers past buffers are each rows x past x KV width, and
 * doubling them all held up to twice the largest pass's past resident. */
class BufferPool {
  private readonly buffers = new Map<string, ArrayBuffer>();
  get<T extends Float32Array | Uint16Array | BigInt64Array>(
    key: string, ctor: { new (b: ArrayBuffer, o: number, n: number): T; BYTES_PER_ELEMENT: number }, length: number,
  ): T {
    const bytes = Math.max(8, length * ctor.BYTES_PER_ELEMENT);
    let buf = this.buffers.get(key);
    if (!buf || buf.byteLength < bytes) {
      buf = new ArrayBuffer(Math.ceil(bytes / GROWTH_STEP) * GROWTH_STEP);
      this.buffers.set(key, buf);
    }
    return new ctor(buf, 0, length);
  }
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

export class Forward {
  private readonly pool = new BufferPool();
  private readonly logitsScratch = new Map<number, Float32Array>();

  /** The K/V outputs a pass reads (the new positions alone where the graph has them) and the fetch list, fixed per session. */
  private readonly kvNames: string[];
  private readonly fetches: string[];

  constructor(private readonly session: ort.InferenceSession, readonly layout: DecoderLayout, private readonly padId: number) {
    this.kvNames = layout.newKvNames ?? layout.presentNames;
    this.fetches = ['logits', ...this.kvNames];
  }

  async run(rows: readonly Row[]): Promise<Output[]> {
    if (rows.length === 0) return [];
    if (this.layout.hasPositionIds) return this.runPadded(rows);
    // Without position_ids the model numbers new tokens from the padded past length, so each pass may only hold
    // rows whose pasts are equally long.
    const groups = new Map<number, number[]>();
    rows.forEach((r, i) => {
      const p = r.past?.length ?? 0;
      groups.set(p, [...(groups.get(p) ?? []), i]);
    });
    const out: Output[] = new Array(rows.length);
    for (const idx of groups.values()) {
      const res = await this.runPadded(idx.map((i) => rows[i]));
      // Logit views would be overwritten by the next group's pass: copy them out.
      idx.forEach((i, j) => {
        out[i] = {
          ...res[j],
          logits: Float32Array.from(res[j].logits),
          logitsAt: res[j].logitsAt && Float32Array.from(res[j].logitsAt!),
        };
      });
    }
    return out;
  }

  private async runPadded(rows: readonly Row[]): Promise<Output[]> {
    const { kv, vocabSize, pastNames } = this.layout;
    const B = rows.length;
    const P = Math.max(...rows.map((r) => r.past?.length ?? 0));
    const C = Math.max(...rows.map((r) => r.tokens.length));
    const T = P + C;
    // With logits_positions the model computes the LM head at K gathered positions per row, not at all C.
    const K = this.layout.hasLogitsPositions ? Math.max(1, ...rows.map((r) => wanted(r).length)) : C;

    const ids = this.pool.get('ids', BigInt64Array, B * C).fill(BigInt(this.padId));
    const mask = this.pool.get('mask', BigInt64Array, B * T).fill(0n);
    const positions = this.pool.get('pos', BigInt64Array, B * C).fill(0n);
    const pastSize = B * kv.heads * P * kv.headDim;
    const past: KvArray[] = pastNames.map((_, a) =>
      kv.dtype === 'float16'
        ? this.pool.get(`past${a}`, Uint16Array, pastSize)
        : this.pool.get(`past${a}`, Float32Array, pastSize));

    rows.forEach((r, i) => {
      const p = r.past?.length ?? 0;
      for (let j = 0; j < r.tokens.length; j++) {
        ids[i * C + j] = BigInt(r.tokens[j]);
        positions[i * C + j] = BigInt(p + j);
        mask[i * T + P + j] = 1n;
      }
      for (let j = 0; j < p; j++) mask[i * T + j] = 1n;
      if (r.past) writePast(kv, r.past, past, i, P);
      // The reused buffers hold an older pass's values: zero this row's padding (masked, but must stay finite).
      if (p < P) {
        for (const arr of past) {
          for (let h = 0; h < kv.heads; h++) {
            const base = (i * kv.heads + h) * P * kv.headDim;
            arr.fill(0, base + p * kv.headDim, base + P * kv.headDim);
          }
        }
      }
    });

    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', ids, [B, C]),
      attention_mask: new ort.Tensor('int64', mask, [B, T]),
    };
    if (this.layout.hasPositionIds) feeds.position_ids = new ort.Tensor('int64', positions, [B, C]);
    if (this.layout.hasLogitsPositions) {
      const keep = this.pool.get('keep', BigInt64Array, B * K).fill(0n);
      rows.forEach((r, i) => wanted(r).forEach((p, j) => { keep[i * K + j] = BigInt(p); }));
      feeds.logits_positions = new ort.Tensor('int64', keep, [B, K]);
    }
    pastNames.forEach((name, a) => { feeds[name] = new ort.Tensor(kv.dtype, past[a], [B, kv.heads, P, kv.headDim]); });

    const out = await this.session.run(feeds, this.fetches);
    const logits = this.floatLogits(out.logits, B * K * vocabSize);
    const present = this.kvNames.map((n) => out[n].data as KvArray);
    // New K/V outputs hold each row's C input positions; present ones the row's whole padded past first.
    const [total, from] = this.layout.newKvNames ? [C, 0] : [T, P];

    return rows.map((r, i) => {
      const at = wanted(r);
      // Gathered rows hold their positions in order at slots 0..; full-logits rows at the positions themselves.
      const slot = (j: number) => (i * K + (this.layout.hasLogitsPositions ? j : at[j])) * vocabSize;
      const view = (j: number) => logits.subarray(slot(j), slot(j) + vocabSize);
      return {
        logits: at.length > 0 ? view(at.length - 1) : new Float32Array(0),
        logitsAt: r.logitsAt && (this.layout.hasLogitsPositions
          ? logits.subarray(slot(0), slot(0) + at.length * vocabSize) : concat(at.map((_, j) => view(j)))),
        kv: appendKv(kv, r.past, present, i, total, from, r.tokens.length),
      };
    });
  }

  private floatLogits(t: ort.Tensor, size: number): Float32Array {
    if (t.data instanceof Float32Array) return t.data;
    const src = t.data as ArrayLike<number>;
    let dst = this.logitsScratch.get(0);
    if (!dst || dst.length < size) { dst = new Float32Array(size); this.logitsScratch.set(0, dst); }
    const view = dst.subarray(0, size);
    if (src instanceof Uint16Array) for (let i = 0; i < size; i++) view[i] = halfToFloat(src[i]);
    else for (let i = 0; i < size; i++) view[i] = src[i];
    return view;
  }
}
