#!/usr/bin/env node
// `padellm`: each subcommand lives in its own module exporting register(program).
import { Command } from 'commander';
import { register as registerAnnotate } from './annotate.js';
import { register as registerEval } from './eval.js';
import { register as registerBench } from './bench.js';
import { register as registerRun } from './run.js';

const program = new Command('padellm')
  .description('Streaming NER with PaDeLLM parallel decoding on ONNX Runtime')
  // A wrong flag gets one line and a pointer, not the whole help.
  .showHelpAfterError('(see --help for the options)');

registerAnnotate(program);
registerEval(program);
registerBench(program);
registerRun(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // Our errors (a missing bundle, a bad setting) are one actionable line; a stack only when asked for.
  const debug = process.argv.includes('--log-level') && process.argv[process.argv.indexOf('--log-level') + 1] === 'debug';
  const err = error as Error & { code?: string };
  if (debug || !err.code?.startsWith('PADELLM_')) process.stderr.write(`${err.stack ?? err}\n`);
  else process.stderr.write(`padellm: ${err.message} (${err.code})\n`);
  process.exitCode = 2;
}
