/**
 * Where the benchmark's peers live. fauxqs and the Node 22 binary it needs are not Ferry dependencies
 * (a user's `npm ci` should not download a second Node): they are a package of their own, bench/peers,
 * installed by `npm run bench:peers` (`npm run bench` does it on first use) into bench/peers/node_modules.
 * An older checkout that still has them in the root node_modules keeps working through normal resolution.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** dist/bench (or .build-bench/bench) → the repository → bench/peers/node_modules. */
export const PEERS_MODULES = resolve(dirname(fileURLToPath(import.meta.url)), '../../bench/peers/node_modules');

/** The command that installs the peers, for messages. */
export const PEERS_INSTALL = 'npm run bench:peers';

/** Directory of an installed peer package, or undefined. */
export function peerDir(name: string): string | undefined {
  const own = join(PEERS_MODULES, name);
  if (existsSync(join(own, 'package.json'))) return own;
  try {
    // Fallback: resolvable from here (root node_modules). Packages that hide package.json behind
    // "exports" are found through their entry point instead.
    return dirname(fileURLToPath(import.meta.resolve(`${name}/package.json`)));
  } catch {
    return undefined;
  }
}

/** The version and ESM entry point URL of fauxqs, or undefined when it is not installed. */
export function fauxqsEntry(): { version: string; url: string } | undefined {
  const own = join(PEERS_MODULES, 'fauxqs');
  let dir: string;
  if (existsSync(join(own, 'package.json'))) dir = own;
  else {
    try {
      // fauxqs's "exports" hides package.json; its entry point is dist/app.js, one level below it.
      dir = dirname(dirname(fileURLToPath(import.meta.resolve('fauxqs'))));
    } catch {
      return undefined;
    }
  }
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    version: string;
    main?: string;
    exports?: { '.'?: { import?: { default?: string } | string } | string };
  };
  const dot = pkg.exports?.['.'];
  const rel = typeof dot === 'string' ? dot : typeof dot?.import === 'string' ? dot.import : (dot?.import?.default ?? pkg.main ?? 'index.js');
  return { version: pkg.version, url: pathToFileURL(join(dir, rel)).href };
}
