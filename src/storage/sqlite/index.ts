/** The SQLite storage engine (Ferry's durable default). */
export { SqliteEngine, type SqliteEngineOptions } from './engine.js';
export { MIGRATIONS, migrate, type Migration } from './migrations.js';
