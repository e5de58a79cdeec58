// `npm run bench`: the engine benchmark with defaults. Data: argv[2], else $PADELLM_BENCH_DATA, else the CoNLL dev set
// next to the repository. Engine: the engine settings' environment variables, as `padellm run` reads them
// ($PADELLM_MODEL_DIR, $PADELLM_INTRA_OP_THREADS, ...), else their defaults.
import { join } from 'node:path';
import { runBench } from '../src/cli/bench.js';
import { engineFlags, loadEngineOptions, settingsFromEnv } from '../src/config/config.js';

const root = join(import.meta.dirname, '..', '..');
const data = process.argv[2] ?? process.env.PADELLM_BENCH_DATA ?? join(root, '..', 'shared', 'data', 'conll2003', 'dev.txt');
const limit = Number.parseInt(process.env.PADELLM_BENCH_LIMIT ?? '200', 10);
const result = await runBench({ data, limit, engine: loadEngineOptions(engineFlags(settingsFromEnv())) });
process.stdout.write(JSON.stringify(result) + '\n');
