// The engine's options: the settings marked `engine: true`, under the same names in every command and in code.
import type { Config } from './config.js';

export const ENGINE_KEYS = ['modelDir', 'modelVariant', 'executionProviders', 'intraOpThreads', 'interOpThreads',
  'maxRowsPerPass', 'maxTokensPerPass', 'maxWaitMs', 'draftTokens', 'guessFirstMention',
  'mentionsFromText', 'probeNextMention'] as const;

export type EngineKey = typeof ENGINE_KEYS[number];

/** What createEngine takes: any subset; it validates them and fills the settings table's defaults. */
export type EngineOptions = Partial<Pick<Config, EngineKey>>;

/** The options once validated, defaults filled. */
export type ResolvedEngineOptions = Pick<Config, EngineKey>;

export function engineOptionsOf(config: Config): ResolvedEngineOptions {
  return Object.fromEntries(ENGINE_KEYS.map((k) => [k, config[k]])) as ResolvedEngineOptions;
}
