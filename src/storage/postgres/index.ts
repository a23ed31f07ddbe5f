/** The PostgreSQL storage engine (several Ferry processes on one database). */
export { PostgresEngine, POSTGRES_SCHEMA_VERSION, type PostgresEngineOptions, type PostgresTimeSource } from './engine.js';
export { MIGRATIONS, SCHEMA_NAME, migrate, type Migration } from './migrations.js';
