/**
 * The store's schema, declared once: tables (`schema/tables.ts`), the materialized views that
 * feed the read models (`schema/views.ts`), later skip indexes (`schema/indexes.ts`), and
 * `generateDdl` (`schema/ddl.ts`), which turns them into SQL for a single node or a cluster.
 */
export { TABLES, tableDef, type ColumnDef, type EngineKind, type TableDef } from './schema/tables.js';
export { VIEWS, type ViewDef } from './schema/views.js';
export { INDEXES, type IndexDef } from './schema/indexes.js';
export { currentSchemaDdl, DEFAULT_RAW_TTL_DAYS, generateDdl, retentionStatement, SCHEMA_VERSION, storedName, type SchemaOptions } from './schema/ddl.js';
