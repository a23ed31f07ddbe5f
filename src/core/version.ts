/** Ferry's version, from the package.json next to the compiled tree (dist/src/core → the package root). */
import { readFileSync } from 'node:fs';

export const VERSION: string = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
