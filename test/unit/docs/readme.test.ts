/** Keeps the README true: every setting, and every catalog error with its code and status, is documented. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { it } from 'node:test';
import { SETTINGS } from '../../../src/config/schema.js';
import { ERRORS } from '../../../src/errors/catalog.js';
import { ACTION_NAMES } from '../../../src/actions/types.js';

const readme = readFileSync(resolve(dirname(fileURLToPath(import.meta.url)), '../../../../README.md'), 'utf8');

it('README documents every flag, environment variable and config key', () => {
  for (const s of SETTINGS) {
    assert.ok(readme.includes('`--' + s.flag + '`'), `flag --${s.flag}`);
    assert.ok(readme.includes('`' + s.env + '`'), `env ${s.env}`);
    if (s.key !== 'configFile') assert.ok(readme.includes('`' + s.key + '`'), `config key ${s.key}`);
  }
});

it('README lists every error of the catalog with its Query code and status', () => {
  for (const [name, s] of Object.entries(ERRORS)) {
    const row = readme.split('\n').find((l) => l.startsWith('| `' + name + '` |'));
    assert.ok(row, `error ${name}`);
    assert.ok(row.includes('`' + s.queryCode + '`') && row.includes(String(s.status)), `error row ${name}: ${row}`);
  }
});

it('README names every action and the two quick-start commands', () => {
  for (const a of ACTION_NAMES) assert.ok(readme.includes(a), a);
  assert.ok(readme.includes('npm ci && npm start'));
  assert.ok(readme.includes('npm test'));
});
