/**
 * Builds the console's single-page app into dist/console/ (index.html + hashed assets/), served by
 * Ferry under /console. Run from the repository root (`npm run build`), so the paths below are relative
 * to it. Everything is bundled: the console fetches nothing from the internet at run time.
 */
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'console',
  base: '/console/',
  plugins: [preact({ devToolsEnabled: false, prefreshEnabled: false })],
  build: {
    outDir: '../dist/console',
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    // Small files stay separate rather than inlined, except icons (data: URLs are allowed by the CSP).
    sourcemap: false,
    reportCompressedSize: false,
  },
  server: {
    // `npx vite --config console/vite.config.ts` for UI work against a Ferry on :9324.
    proxy: { '/console/api': 'http://127.0.0.1:9324' },
  },
});
