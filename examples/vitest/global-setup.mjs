/**
 * Vitest's `globalSetup` (see vitest.config.mjs): the same pair of functions as the Node test runner
 * example — start `ferry serve --storage memory --port 0 --clock manual` once for the whole run, put its
 * address in the environment (FERRY_URL, AWS_ENDPOINT_URL_SQS, a region and a dummy key), stop it with
 * SIGTERM at the end. Vitest starts its test workers after this has run, so they inherit that
 * environment: the tests' SDK clients need no configuration.
 */
export { globalSetup as setup, globalTeardown as teardown } from '../node-test/global-setup.mjs';
