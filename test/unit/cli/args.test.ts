/** src/cli/args.ts: the argument handling `ferry backup`, `ferry keys` and `ferry policy` share. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { parseCommandArgs } from '../../../src/cli/args.js';
import { ConfigError } from '../../../src/config/schema.js';

describe('parseCommandArgs', () => {
  it("takes the command's own options, every setting's flag and positionals; config layers env under flags", () => {
    const cli = parseCommandArgs(['list', '--json', '--data-dir', '/d', '--skip-cooldowns', '--region', 'eu-west-1'], 'Usage: x', {
      json: { type: 'boolean' },
    });
    assert.deepEqual(cli.positionals, ['list']);
    assert.equal(cli.values.json, true);
    assert.equal(cli.values['data-dir'], '/d');
    const config = cli.config({ FERRY_REGION: 'us-west-2', FERRY_ACCOUNT_ID: '123456789012' });
    assert.equal(config.dataDir, '/d');
    assert.equal(config.skipCooldowns, true);
    assert.equal(config.region, 'eu-west-1');
    assert.equal(config.accountId, '123456789012');
    assert.equal(config.storage, 'sqlite');
  });

  it('an unknown option is a ConfigError followed by the usage; a bad setting value only when the config is asked for', () => {
    assert.throws(
      () => parseCommandArgs(['--frobnicate'], 'Usage: ferry x'),
      (e: unknown) => e instanceof ConfigError && /Unknown option '--frobnicate'/.test(e.message) && e.message.endsWith('\n\nUsage: ferry x'),
    );
    const cli = parseCommandArgs(['--port', 'many'], 'Usage: ferry x');
    assert.throws(
      () => cli.config({}),
      (e: unknown) => e instanceof ConfigError && /port/.test(e.message),
    );
  });
});
