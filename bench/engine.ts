// `npm run bench`: the engine benchmark with defaults. Data: argv[2], else $PADELLM_BENCH_DATA, else the CoNLL dev set
// next to the repository. Model: $PADELLM_MODEL_DIR or the embedded bundle; $PADELLM_THREADS sets intra-op threads.
import { join } from 'node:path';
import { runBench } from '../src/cli/bench.js';
import { DEFAULT_MODEL_DIR } from '../src/cli/engine-options.js';

const root = join(import.meta.dirname, '..', '..');
const data = process.argv[2] ?? process.env.PADELLM_BENCH_DATA ?? join(root, '..', 'shared', 'data', 'conll2003', 'dev.txt');
const limit = Number.parseInt(process.env.PADELLM_BENCH_LIMIT ?? '200', 10);
const result = await runBench({
  data, limit,
  engine: {
    modelDir: process.env.PADELLM_MODEL_DIR ?? DEFAULT_MODEL_DIR,
    executionProviders: (process.env.PADELLM_EXECUTION_PROVIDERS ?? 'cpu').split(','),
    intraOpThreads: process.env.PADELLM_THREADS ? Number.parseInt(process.env.PADELLM_THREADS, 10) : undefined,
  },
});
process.stdout.write(JSON.stringify(result) + '\n');
