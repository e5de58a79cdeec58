#!/usr/bin/env node
// `padellm`: each subcommand lives in its own module exporting register(program).
import { Command } from 'commander';
import { register as registerAnnotate } from './annotate.js';
import { register as registerEval } from './eval.js';
import { register as registerBench } from './bench.js';
import { register as registerRun } from './run.js';

const program = new Command('padellm')
  .description('Streaming NER with PaDeLLM parallel decoding on ONNX Runtime')
  .showHelpAfterError();

registerAnnotate(program);
registerEval(program);
registerBench(program);
registerRun(program);

await program.parseAsync(process.argv);
