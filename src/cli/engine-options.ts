// The engine flags of annotate, eval and bench: the settings table's engine group, so they are the same flags (and
// environment variables) as `padellm run`'s.
import { Option, type Command } from 'commander';
import { SETTINGS } from '../config/settings.js';
import type { DecoderKind } from '../types/entity.js';

export function addEngineFlags(cmd: Command): Command {
  for (const s of SETTINGS.filter((setting) => setting.engine)) cmd.addOption(new Option(s.flag, s.help).env(s.env));
  return cmd;
}

export function addDecoderFlag(cmd: Command, kinds: DecoderKind[] = ['parallel', 'autoregressive']): Command {
  return cmd.addOption(new Option('--decoder <kind>', 'decoding scheme').choices(kinds).default('parallel'));
}
