// Per-row KV cache as a chain of segments. A view (segment, length) is immutable: positions below its length never
// change. A row appends in place while it is the only one that has grown its segment; a second row growing the
// same segment from a shorter view starts a child segment instead. So forking a shared prefix for every label
// copies nothing, and a row's own decode steps copy one token per step.

export type KvArray = Float32Array | Uint16Array;

export interface KvShape { layers: number; heads: number; headDim: number; dtype: 'float32' | 'float16' }

/** Spare token slots reserved in a new segment so the row's next steps append in place. */
const SPARE = 32;

class KvSegment {
  used = 0;
  /** 2 * layers arrays (key then value per layer), each [heads, capacity, headDim]. */
  readonly arrays: KvArray[];
  constructor(readonly shape: KvShape, readonly parent: KvView | null, readonly capacity: number) {
    const size = shape.heads * capacity * shape.headDim;
    this.arrays = Array.from({ length: 2 * shape.layers }, () =>
      shape.dtype === 'float16' ? new Uint16Array(size) : new Float32Array(size));
  }
}

export class KvView {
  readonly length: number;
  constructor(readonly segment: KvSegment, readonly own: number) {
    this.length = (segment.parent?.length ?? 0) + own;
  }

  /** The first `length` positions. Positions below a view never change, so the cut shares them; a row that grows
   * it later gets a child segment (the longer view's positions past the cut stay as they were). */
  prefix(length: number): KvView {
    if (length >= this.length) return this;
    const parent = this.segment.parent;
    const below = parent?.length ?? 0;
    if (parent && length <= below) return parent.prefix(length);
    return new KvView(this.segment, length - below);
  }

  /** Segments and their used lengths, root first. */
  parts(): Array<{ segment: KvSegment; own: number }> {
    const out: Array<{ segment: KvSegment; own: number }> = [];
    for (let v: KvView | null = this; v; v = v.segment.parent) {
      if (v.own > 0) out.push({ segment: v.segment, own: v.own });
    }
    return out.reverse();
  }
}

/**
 * Appends `count` positions to `past` (null = empty), reading them from the present tensors of a forward pass:
 * `present[a]` is [batch, heads, total, headDim]; the row's new positions are row `row`, indices from `from`.
 */
export function appendKv(
  shape: KvShape, past: KvView | null, present: KvArray[], row: number, total: number, from: number, count: number,
): KvView {
  let segment: KvSegment;
  let at: number;
  if (past && past.own === past.segment.used && past.own + count <= past.segment.capacity) {
    segment = past.segment;
    at = past.own;
  } else {
    segment = new KvSegment(shape, past, count + SPARE);
    at = 0;
  }
  const { heads, headDim } = shape;
  const width = count * headDim;
  for (let a = 0; a < present.length; a++) {
    const src = present[a];
    const dst = segment.arrays[a];
    for (let h = 0; h < heads; h++) {
      const s = ((row * heads + h) * total + from) * headDim;
      dst.set(src.subarray(s, s + width), (h * segment.capacity + at) * headDim);
    }
  }
  segment.used = at + count;
  return new KvView(segment, at + count);
}

/** Copies a row's cache into batch past tensors [batch, heads, pastLen, headDim] at row `row`. */
export function writePast(shape: KvShape, view: KvView, past: KvArray[], row: number, pastLen: number): void {
  const { heads, headDim } = shape;
  let offset = 0;
  for (const { segment, own } of view.parts()) {
    const width = own * headDim;
    for (let a = 0; a < past.length; a++) {
      const src = segment.arrays[a];
      const dst = past[a];
      for (let h = 0; h < heads; h++) {
        const s = h * segment.capacity * headDim;
        dst.set(src.subarray(s, s + width), ((row * heads + h) * pastLen + offset) * headDim);
      }
    }
    offset += own;
  }
}
