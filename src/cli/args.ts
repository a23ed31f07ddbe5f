/**
 * The argument handling the CLI commands beside `serve` share (`ferry backup`, `ferry restore`, `ferry keys`,
 * `ferry policy`): each takes its own options plus every setting's flag, as `ferry serve` does, so it
 * finds the same store and key ring from the same flags, environment and config file. Parsing is
 * strict (an unknown option is a usage error); the config is loaded only when the command asks, so a
 * command can check its own arguments first.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { loadConfig } from '../config/load.js';
import { ConfigError, SETTINGS, type FerryConfig } from '../config/schema.js';

export interface CommandArgs {
  /** The parsed options: the command's own and the settings' flags, by flag name. */
  values: Record<string, unknown>;
  positionals: string[];
  /** The configuration: defaults → config file (--config / FERRY_CONFIG) → `env` → the flags given. */
  config(env: NodeJS.ProcessEnv): FerryConfig;
}

/**
 * Parse `args` with the command's `own` options and every setting's flag (booleans for `bool`
 * settings, strings otherwise). A parse error becomes a ConfigError followed by the command's `usage`.
 */
export function parseCommandArgs(args: string[], usage: string, own: ParseArgsConfig['options'] = {}): CommandArgs {
  const options: ParseArgsConfig['options'] = { ...own };
  for (const s of SETTINGS) options[s.flag] = { type: s.kind === 'bool' ? 'boolean' : 'string' };
  let values: Record<string, unknown>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true }));
  } catch (e) {
    throw new ConfigError(`${(e as Error).message}\n\n${usage}`);
  }
  const flags: Record<string, unknown> = {};
  for (const s of SETTINGS) if (values[s.flag] !== undefined) flags[s.key] = values[s.flag];
  return { values, positionals, config: (env) => loadConfig({ flags, env }) };
}
