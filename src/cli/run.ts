// `padellm run`: the Kafka stream processor. Every flag also reads its environment variable (see config/settings).
import { Option, type Command } from 'commander';
import { SETTINGS } from '../config/settings.js';
import { ConfigError } from '../errors.js';

export function register(program: Command): void {
  const command = program
    .command('run')
    .description('consume text events from Kafka, find their named entities, publish entity events (exactly-once by default)');
  for (const s of SETTINGS) command.addOption(new Option(s.flag, s.help).env(s.env));
  command.action(async (options: Record<string, unknown>) => {
    process.exitCode = await run(options);
  });
}

/** Runs until SIGTERM/SIGINT; returns the exit code. */
export async function run(options: Record<string, unknown>): Promise<number> {
  // Loaded here, not at the top: ajv, pino, kafkajs, prom-client, avsc and the registry client cost about 0.5 s
  // to import, which `padellm --help` and the other subcommands should not pay.
  const { loadConfig } = await import('../config/config.js');
  const { createLogger } = await import('../observability/logger.js');
  let config;
  try {
    config = loadConfig(options);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`padellm run: ${error.message}\n`);
    return 2;
  }
  const logger = createLogger(config.logLevel);
  const { createEngine } = await import('../engine/index.js');
  const { createProcessor } = await import('../processor/service.js');
  const processor = createProcessor(config, { createEngine, logger });

  const stopped = new Promise<number>((resolve) => {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      if (++signals > 1) {
        logger.warn({ signal }, 'second signal: exiting without finishing');
        resolve(130);
        return;
      }
      logger.info({ signal }, 'signal received');
      processor.stop().then((inTime) => resolve(inTime ? 0 : 1), () => resolve(1));
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
  try {
    await processor.start();
  } catch (error) {
    logger.fatal({ err: error }, `padellm run failed to start: ${(error as Error).message}`);
    return 1;
  }
  const code = await stopped;
  // The engine's worker and kafkajs timers may outlive a timed-out stop: exit once the logs are out.
  await new Promise<void>((resolve) => logger.flush(() => resolve()));
  process.exit(code);
}
