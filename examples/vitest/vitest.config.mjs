import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['./global-setup.mjs'],
    // One Ferry serves the whole run and every test resets it: run the files one after another.
    fileParallelism: false,
  },
});
