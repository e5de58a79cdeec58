// PaDeLLM parallel decoding for one message, with prefix sharing:
// prefill the prompt up to {label} once -> one row per label with its suffix -> greedy count -> for k in 1..n
// a row forked from the label's prompt cache fed count(n) + mention-prefix(k) -> greedy mention until EOS/cap, with
// copy drafts from the text verified a whole span per pass (draft.ts, steps.ts: generateDrafted). Optionally the
// label row also carries mention row 1 of a count of 1, the commonest non-zero count (labelRowGuessingOne), and
// mentions are kept to spans of the text (copy-constraint.ts). A label counted n >= 1 also asks for mention n+1
// (the probe, answerRows), which is kept where it is new for the label.
import { argmax } from './greedy.js';
import { TextDrafter } from './draft.js';
import { greedyChooser, textSpanChooser, widenToWords, type Chooser } from './copy-constraint.js';
import { generate, generateDrafted, mentionStopFor, readMention } from './steps.js';
import type { StopCriterion } from './stopping.js';
import type { KvHandle, PassOutput } from '../types/pass.js';
import { RowQueue, type DecodeContext, type DecodeTask, type GeneratedMention } from './task.js';

export class ParallelTask<K extends KvHandle> implements DecodeTask<K> {
  private readonly queue = new RowQueue<K>();
  private readonly found: GeneratedMention[] = [];
  /** Probed mentions (answerRows): kept where new for their label. */
  private readonly probed: GeneratedMention[] = [];
  private open = 1;
  private readonly mentionStop: StopCriterion;
  private readonly drafter: TextDrafter | null;
  private readonly choose: Chooser;
  /** What a finished mention's text becomes: widened to whole words where mentions are kept to the text. */
  private readonly widen: (mention: string) => string;

  constructor(private readonly ctx: DecodeContext, textIds: number[], private readonly labels: string[]) {
    this.mentionStop = mentionStopFor(ctx);
    const text = ctx.decode(textIds);
    const decode = (ids: readonly number[]) => ctx.decode(ids);
    this.drafter = ctx.maxDraftTokens > 0 ? new TextDrafter(text, (s) => ctx.encode(s), decode, ctx.maxDraftTokens) : null;
    this.choose = ctx.mentionsFromText ? textSpanChooser(text, decode, ctx.eosId) : greedyChooser;
    this.widen = ctx.mentionsFromText ? (m) => widenToWords(text, m) : (m) => m;
    this.queue.push({ tokens: ctx.prompts.promptPrefix(textIds), past: null, logitsAt: [], done: (out) => this.forkLabels(out.kv) });
  }

  get finished(): boolean { return this.open === 0; }
  takeRows() { return this.queue.take(); }

  mentions(): GeneratedMention[] {
    const order = new Map(this.labels.map((l, i) => [l, i]));
    const extra = this.probed.filter((p) => p.text !== '' &&
      !this.found.some((f) => f.label === p.label && f.text === p.text));
    return [...this.found, ...extra].sort((a, b) => order.get(a.label)! - order.get(b.label)! || a.k - b.k);
  }

  private forkLabels(prefix: K): void {
    this.open += this.labels.length - 1;
    for (const label of this.labels) {
      const suffix = this.ctx.prompts.labelSuffix(label);
      if (this.ctx.guessFirstMention) this.labelRowGuessingOne(label, prefix, suffix);
      else this.queue.push({ tokens: suffix, past: prefix, done: (out) => this.count(label, out) });
    }
  }

  /**
   * The label's row goes on past its prompt as if the count were 1 ("1\n<mention 1>"), and reads the logits of
   * each count token and of the first mention token. The prompt's logits do not depend on what follows them, so
   * the count read is the plain one; when it is 1 the row is already mention row 1, one pass early. Otherwise the
   * count goes on the plain way from the prompt's cache (the guessed positions are cut off).
   */
  private labelRowGuessingOne(label: string, prefix: K, suffix: number[]): void {
    const guess = this.mentionPrompt(1, 1);
    const countLen = this.ctx.prompts.countIds(1).length;
    const tokens = [...suffix, ...guess];
    const countAt = Array.from({ length: countLen }, (_, i) => suffix.length - 1 + i);
    this.queue.push({
      tokens, past: prefix, logitsAt: [...countAt, tokens.length - 1],
      done: (out) => {
        const vocab = out.logits.length;
        const at = (i: number) => out.logitsAt!.subarray(i * vocab, (i + 1) * vocab);
        const counted: number[] = [];
        for (let i = 0; i < countLen; i++) {
          counted.push(argmax(at(i)));
          if (this.ctx.countStop(counted) || counted[i] !== guess[i]) break;
        }
        if (this.ctx.countStop(counted) && this.ctx.readCount(counted) === 1) {
          const [first, ...rest] = this.answerRows(1);
          const promptKv = out.kv.prefix(prefix.length + suffix.length) as K;
          this.open += rest.length;
          for (const row of rest) this.pushAnswer(label, promptKv, row);
          return this.mention(label, first, out);
        }
        this.count(label, { logits: at(0), kv: out.kv.prefix(prefix.length + suffix.length) as K });
      },
    });
  }

  /**
   * Greedy count from the label's prompt. When the first digit could still grow ("1" before "1\n" or "12\n"), the
   * mention rows for that count are sent at once, guessing the count is complete: if it is, they are exactly the
   * rows that would have been sent one pass later. When the count template starts with that same digit, mention
   * row 1 also reads the next count token (its logits after the digit), so no separate row confirms the count.
   */
  private count(label: string, first: PassOutput<K>): void {
    const promptKv = first.kv;
    const tokens: number[] = [];
    let guess: { n: number; rows: Array<GuessedRow<K>> } | null = null;
    const step = (out: PassOutput<K>) => {
      tokens.push(argmax(out.logits));
      if (!this.ctx.countStop(tokens)) {
        const n = tokens.length === 1 ? this.ctx.readCount(tokens) : 0;
        if (n > 0 && this.ctx.prompts.countIds(n)[0] === tokens[0]) {
          this.guessWithoutCountRow(label, promptKv, tokens[0], n);
          return;
        }
        if (n > 0) guess = { n, rows: this.sendGuessedRows(label, promptKv, n, null) };
        this.queue.push({ tokens: [tokens[tokens.length - 1]], past: out.kv, done: step });
        return;
      }
      const n = this.ctx.readCount(tokens);
      if (guess && guess.n === n) return this.settleGuess(label, guess.rows);
      if (guess) this.dropGuess(guess.rows);
      this.sendMentionRows(label, promptKv, n);
    };
    step(first);
  }

  /** Guessed mention rows whose row 1 also reads the count's second token; a wrong guess restarts the count. */
  private guessWithoutCountRow(label: string, promptKv: K, digit: number, n: number): void {
    const rows = this.sendGuessedRows(label, promptKv, n, (afterDigit) => {
      const tokens = [digit, argmax(afterDigit)];
      if (this.ctx.countStop(tokens) && this.ctx.readCount(tokens) === n) return this.settleGuess(label, rows);
      this.dropGuess(rows);
      // The count goes on past the digit (rare): redo it the plain way from the label's prompt.
      this.queue.push({ tokens: [digit], past: promptKv, done: (out) => this.countAfter(label, promptKv, digit, out) });
    });
  }

  /** Continues a count whose first token was `digit`, from the step that read it. */
  private countAfter(label: string, promptKv: K, digit: number, out: PassOutput<K>): void {
    const tokens = [digit];
    const step = (o: PassOutput<K>) => {
      tokens.push(argmax(o.logits));
      if (this.ctx.countStop(tokens)) return this.sendMentionRows(label, promptKv, this.ctx.readCount(tokens));
      this.queue.push({ tokens: [tokens[tokens.length - 1]], past: o.kv, done: step });
    };
    step(out);
  }

  private sendMentionRows(label: string, promptKv: K, n: number): void {
    const rows = this.answerRows(n);
    this.open += rows.length - 1;
    for (const row of rows) this.pushAnswer(label, promptKv, row);
  }

  private pushAnswer(label: string, promptKv: K, row: AnswerRow): void {
    this.queue.push({ tokens: row.prompt, past: promptKv, done: (o) => this.mention(label, row, o) });
  }

  /**
   * The step-2 rows of a label counted n: mention k of n for k = 1..n, and, where n >= 1 and the probe is on,
   * mention n+1 asked as if the count were n+1, kept only when it is new for its label. Step 1 is the method's main
   * source of misses: v2's recall trailed its precision by 17 points on CoNLL-03 dev, and a label with mentions was
   * most often counted one short. Where there is no further mention the model mostly repeats one it has given,
   * which is dropped. Labels counted 0 are not probed: there the probe invents far more mentions than it finds.
   */
  private answerRows(n: number): AnswerRow[] {
    const rows: AnswerRow[] = [];
    for (let k = 1; k <= n; k++) rows.push({ k, prompt: this.mentionPrompt(n, k), probe: false });
    if (this.ctx.probeNextMention && n > 0 && n < this.ctx.limits.max_count) {
      rows.push({ k: n + 1, prompt: this.mentionPrompt(n + 1, n + 1), probe: true });
    }
    return rows;
  }

  /** Step-2 rows sent on a guessed count: their output waits until the count is known, or is dropped. */
  private sendGuessedRows(
    label: string, promptKv: K, n: number, readCount: ((afterDigit: Float32Array) => void) | null,
  ): Array<GuessedRow<K>> {
    const rows: Array<GuessedRow<K>> = [];
    for (const row of this.answerRows(n)) {
      const g: GuessedRow<K> = { row, out: null, state: 'wait' };
      rows.push(g);
      const reads = row.k === 1 && readCount !== null;
      this.queue.push({
        tokens: row.prompt, past: promptKv, logitsAt: reads ? [0, row.prompt.length - 1] : undefined,
        done: (out) => {
          if (g.state === 'go') this.mention(label, row, out);
          // Kept past this callback, so the logits are copied out of the pass's buffer.
          else if (g.state === 'wait') g.out = { kv: out.kv, logits: Float32Array.from(out.logits) };
          if (reads) readCount(out.logitsAt!.subarray(0, out.logits.length));
        },
      });
    }
    return rows;
  }

  private settleGuess(label: string, rows: Array<GuessedRow<K>>): void {
    this.open += rows.length - 1;
    for (const g of rows) {
      if (g.out) {
        const out = g.out;
        g.out = null;
        g.state = 'done';
        this.mention(label, g.row, out);
      } else g.state = 'go';
    }
  }

  private dropGuess(rows: Array<GuessedRow<K>>): void {
    for (const g of rows) { g.state = 'drop'; g.out = null; }
  }

  /** What follows the label prompt for mention k of n: count(n) then the mention prefix. */
  private mentionPrompt(n: number, k: number): number[] {
    return [...this.ctx.prompts.countIds(n), ...this.ctx.prompts.mentionPrefix(k)];
  }

  private mention(label: string, row: AnswerRow, first: PassOutput<K>): void {
    const finish = (tokens: number[], probs: number[]) => {
      const read = readMention(this.ctx, tokens, probs);
      (row.probe ? this.probed : this.found).push({ label, k: row.k, text: this.widen(read.text), score: read.score });
      this.open--;
    };
    if (this.drafter) generateDrafted(this.queue, first, this.mentionStop, this.drafter, finish, this.choose);
    else generate(this.queue, first, this.mentionStop, finish, this.choose);
  }
}

/** A step-2 row: mention k under its prompt; a probe's output is kept only when new (answerRows). */
interface AnswerRow { k: number; prompt: number[]; probe: boolean }

interface GuessedRow<K> { row: AnswerRow; out: PassOutput<K> | null; state: 'wait' | 'go' | 'done' | 'drop' }
