/**
 * `ferry keys …`: the key ring of encryption at rest (crypto/), without a running server.
 *
 *   ferry keys list [--json]                  every key: id, aliases, versions with check values (never material)
 *   ferry keys create <alias> [--description <text>]   a new key for KmsMasterKeyId (alias/<name>)
 *   ferry keys rotate <key>                   a new version wraps new data keys; old versions still decrypt
 *   ferry keys disable <key> | enable <key>   a disabled key answers KmsDisabled on send and receive
 *
 * <key> is a key id, alias, key ARN or alias ARN. The file is the server's (`--kms-key-ring`, else
 * `<data-dir>/keyring.json`), found from the same flags, environment and config file as `ferry serve`.
 * Changes are written atomically under the file's lock; running servers take them in when they next
 * make a data key (within a queue's reuse period) or meet a version they lack, others at their next start.
 */
import { join, resolve } from 'node:path';
import { ConfigError } from '../config/schema.js';
import { systemClock } from '../core/clock.js';
import { systemRandom } from '../core/random.js';
import { KeyRing, KeyRingError, MANAGED_ALIAS, parseEnvKeys, readKeyRingFile, updateKeyRingFile, type KeyScope } from '../crypto/index.js';
import { parseCommandArgs } from './args.js';

export const KEYS_USAGE = [
  'Usage: ferry keys list [--json]',
  '       ferry keys create <alias> [--description <text>]',
  '       ferry keys rotate <key id | alias | key ARN | alias ARN>',
  '       ferry keys disable <key> | ferry keys enable <key>',
  '  The key ring is --kms-key-ring (FERRY_KMS_KEY_RING), else <data-dir>/keyring.json.',
].join('\n');

/** Run `ferry keys <args>`; output goes to `out`. Throws ConfigError for usage and key-ring problems. */
export function keysCommand(args: string[], out: (line: string) => void = (l) => process.stdout.write(l + '\n'), env = process.env): void {
  const cli = parseCommandArgs(args, KEYS_USAGE, { json: { type: 'boolean' }, description: { type: 'string' } });
  const { values, positionals } = cli;
  const config = cli.config(env);
  const scope: KeyScope = { region: config.region, accountId: config.accountId };
  const file = config.kmsKeyRing ?? (config.storage === 'memory' ? undefined : join(config.dataDir, 'keyring.json'));
  const [cmd, ref, ...extra] = positionals;
  if (extra.length > 0) throw new ConfigError(`unexpected arguments: ${extra.join(' ')}\n\n${KEYS_USAGE}`);
  const now = systemClock.now();
  const envKeys = () => parseEnvKeys(config.kmsKeys ?? '', now);
  try {
    if (cmd === 'list') {
      const fileKeys = file === undefined ? [] : (readKeyRingFile(resolve(file))?.keys ?? []);
      const info = new KeyRing([...fileKeys, ...envKeys()]).info(scope);
      if (values.json) out(JSON.stringify({ keyRing: file === undefined ? null : resolve(file), keys: info }, null, 2));
      else {
        out(`key ring: ${file === undefined ? '(none: storage memory)' : resolve(file)}${config.kmsKeys ? ' + FERRY_KMS_KEYS' : ''}`);
        if (info.length === 0) out('no keys yet (Ferry creates its managed key on first start)');
        for (const k of info) {
          const flags = [k.managed ? 'managed' : '', k.enabled ? '' : 'DISABLED', k.source === 'env' ? 'from FERRY_KMS_KEYS' : ''].filter(Boolean);
          out(`${k.id}${k.aliases.length ? `  ${k.aliases.join(' ')}` : ''}${flags.length ? `  [${flags.join(', ')}]` : ''}`);
          out(`  ${k.arn}`);
          for (const v of k.versions) {
            out(
              `  v${v.version}${v.version === k.currentVersion ? ' (current)' : ''}  created ${new Date(v.createdAt).toISOString()}  check ${v.check}`,
            );
          }
        }
      }
      return;
    }
    if (cmd !== 'create' && cmd !== 'rotate' && cmd !== 'disable' && cmd !== 'enable') {
      throw new ConfigError(`${cmd === undefined ? 'a keys command is needed' : `unknown keys command "${cmd}"`}\n\n${KEYS_USAGE}`);
    }
    if (ref === undefined) throw new ConfigError(`ferry keys ${cmd} needs a key\n\n${KEYS_USAGE}`);
    if (file === undefined) throw new ConfigError('storage memory keeps its keys in memory: give --kms-key-ring <file> to manage a key-ring file');
    const path = resolve(file);
    const { result } = updateKeyRingFile(path, (keys) => {
      const ring = new KeyRing([...keys, ...envKeys()]);
      let line: string;
      if (cmd === 'create') {
        const alias = ref.startsWith('alias/') ? ref : `alias/${ref}`;
        if (alias === MANAGED_ALIAS || alias.startsWith('alias/aws/')) throw new KeyRingError(`${alias} is reserved for Ferry's managed key`);
        const description = typeof values.description === 'string' ? values.description : undefined;
        const k = ring.create(
          { aliases: [alias], source: 'file', ...(description !== undefined ? { description } : {}) },
          systemRandom.bytes,
          now,
          systemRandom.uuid,
        );
        line = `created key ${k.id} (${alias}): use KmsMasterKeyId ${alias} or arn:aws:kms:${scope.region}:${scope.accountId}:key/${k.id}`;
      } else if (cmd === 'rotate') {
        const v = ring.rotate(ref, systemRandom.bytes, now, scope);
        line = `${ring.resolve(ref, scope)!.id}: version ${v.version} now wraps new data keys; ${v.version === 2 ? 'version 1 still decrypts' : `versions 1–${v.version - 1} still decrypt`}`;
      } else {
        const k = ring.setEnabled(ref, cmd === 'enable', scope);
        line = `${k.id} ${cmd}d`;
      }
      return { keys: ring.keys(), result: line };
    });
    out(result);
    out(`key ring ${path} updated`);
  } catch (e) {
    if (e instanceof KeyRingError) throw new ConfigError(e.message);
    throw e;
  }
}
