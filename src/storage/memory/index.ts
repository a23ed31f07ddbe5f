/** The in-memory storage engine (`--storage memory`): for tests and throwaway runs. */
export { MemoryEngine } from './engine.js';
