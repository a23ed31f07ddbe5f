/**
 * The storage contract against the memory engine: a fresh engine per case. It is not durable, so
 * the suite skips the reopen cases (no `reopen`). Memory-only details are in
 * test/unit/storage/memory.test.ts.
 */

import { MemoryEngine } from '../../src/storage/memory/index.js';
import { runStorageContract } from './contract.js';

runStorageContract('memory', async ({ clock, random }) => ({ engine: new MemoryEngine({ clock, random }) }));
