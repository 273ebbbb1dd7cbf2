/**
 * What each kind of PostgreSQL statement and each known function does, as data. The classifier reads
 * these tables; test/pg/classify.test.ts checks them statement by statement.
 */
import type { SqlClass } from '../policy/index.js';

/** Statement node types (libpg-query names) whose class does not depend on their contents. */
export const STATEMENT_CLASS: Record<string, SqlClass> = {
  // Session and transaction control: change nothing in the database.
  TransactionStmt: 'read', VariableShowStmt: 'read', DeallocateStmt: 'read', DiscardStmt: 'read', ListenStmt: 'read',
  UnlistenStmt: 'read', ClosePortalStmt: 'read', DeclareCursorStmt: 'read', FetchStmt: 'read', ConstraintsSetStmt: 'read', PrepareStmt: 'read',
  // Side effects visible to others.
  NotifyStmt: 'write', LockStmt: 'write', CallStmt: 'write', RefreshMatViewStmt: 'write',
  // Schema changes.
  CreateStmt: 'ddl', AlterTableStmt: 'ddl', DropStmt: 'ddl', TruncateStmt: 'ddl', IndexStmt: 'ddl', ViewStmt: 'ddl',
  CreateFunctionStmt: 'ddl', AlterFunctionStmt: 'ddl', CreateSchemaStmt: 'ddl', CreateSeqStmt: 'ddl', AlterSeqStmt: 'ddl',
  RenameStmt: 'ddl', CommentStmt: 'ddl', CreateTrigStmt: 'ddl', CreateEnumStmt: 'ddl', CompositeTypeStmt: 'ddl',
  CreateDomainStmt: 'ddl', AlterDomainStmt: 'ddl', DefineStmt: 'ddl', AlterEnumStmt: 'ddl', AlterObjectSchemaStmt: 'ddl',
  RuleStmt: 'ddl', CreatePolicyStmt: 'ddl', AlterPolicyStmt: 'ddl', CreateStatsStmt: 'ddl', AlterStatsStmt: 'ddl',
  CreateRangeStmt: 'ddl', CreateCastStmt: 'ddl', CreateOpClassStmt: 'ddl', CreateConversionStmt: 'ddl',
  CreateForeignTableStmt: 'ddl', AlterTypeStmt: 'ddl', CreateTransformStmt: 'ddl', CreatePLangStmt: 'admin',
  // Roles, privileges, server-wide settings, maintenance, arbitrary code.
  GrantStmt: 'admin', GrantRoleStmt: 'admin', CreateRoleStmt: 'admin', AlterRoleStmt: 'admin', AlterRoleSetStmt: 'admin',
  DropRoleStmt: 'admin', AlterDefaultPrivilegesStmt: 'admin', AlterSystemStmt: 'admin', CreatedbStmt: 'admin',
  DropdbStmt: 'admin', AlterDatabaseStmt: 'admin', AlterDatabaseSetStmt: 'admin', AlterDatabaseRefreshCollStmt: 'admin',
  CreateTableSpaceStmt: 'admin', DropTableSpaceStmt: 'admin', AlterTableSpaceOptionsStmt: 'admin', CreateExtensionStmt: 'admin',
  AlterExtensionStmt: 'admin', AlterExtensionContentsStmt: 'admin', LoadStmt: 'admin', VacuumStmt: 'admin', ClusterStmt: 'admin',
  ReindexStmt: 'admin', CheckPointStmt: 'admin', ReassignOwnedStmt: 'admin', DropOwnedStmt: 'admin', SecLabelStmt: 'admin',
  CreateSubscriptionStmt: 'admin', AlterSubscriptionStmt: 'admin', DropSubscriptionStmt: 'admin', CreatePublicationStmt: 'admin',
  AlterPublicationStmt: 'admin', CreateForeignServerStmt: 'admin', AlterForeignServerStmt: 'admin', CreateUserMappingStmt: 'admin',
  AlterUserMappingStmt: 'admin', DropUserMappingStmt: 'admin', CreateFdwStmt: 'admin', AlterFdwStmt: 'admin',
  ImportForeignSchemaStmt: 'admin', CreateEventTrigStmt: 'admin', AlterEventTrigStmt: 'admin', AlterOwnerStmt: 'admin',
  AlterSystemSetStmt: 'admin', AlterCollationStmt: 'admin',
  // DO runs arbitrary procedural code, including dynamic DDL and role changes, which no parse tree shows.
  DoStmt: 'admin',
};

/** Settings whose change alters who runs statements or how their text is read. */
export const ADMIN_SETTINGS = new Set([
  'role', 'session_authorization', 'search_path', 'standard_conforming_strings', 'backslash_quote', 'client_encoding',
  'session_replication_role', 'session_preload_libraries', 'local_preload_libraries', 'row_security',
]);

/** Functions known to write or to reach outside the database. Matched by name, in any schema. */
export const FUNCTION_CLASS: Record<string, SqlClass> = {
  nextval: 'write', setval: 'write', pg_notify: 'write', lo_create: 'write', lo_creat: 'write', lo_unlink: 'write',
  lo_put: 'write', lo_from_bytea: 'write', lowrite: 'write', lo_truncate: 'write', lo_truncate64: 'write',
  pg_logical_emit_message: 'write',
  // Change settings, read or write server files, signal other sessions, run SQL hidden in a string.
  set_config: 'admin', pg_read_file: 'admin', pg_read_binary_file: 'admin', pg_ls_dir: 'admin', pg_stat_file: 'admin',
  lo_import: 'admin', lo_export: 'admin', pg_terminate_backend: 'admin', pg_cancel_backend: 'admin', pg_reload_conf: 'admin',
  pg_rotate_logfile: 'admin', pg_switch_wal: 'admin', pg_create_restore_point: 'admin', pg_promote: 'admin',
  pg_backup_start: 'admin', pg_backup_stop: 'admin', pg_start_backup: 'admin', pg_stop_backup: 'admin',
  pg_create_physical_replication_slot: 'admin', pg_create_logical_replication_slot: 'admin', pg_drop_replication_slot: 'admin',
  pg_file_write: 'admin', pg_file_unlink: 'admin', pg_file_rename: 'admin', pg_ls_logdir: 'admin', pg_ls_waldir: 'admin',
  pg_ls_tmpdir: 'admin', pg_ls_archive_statusdir: 'admin', pg_log_backend_memory_contexts: 'admin',
  pg_wal_replay_pause: 'admin', pg_wal_replay_resume: 'admin', pg_import_system_collations: 'admin',
  dblink: 'admin', dblink_exec: 'admin', dblink_connect: 'admin', dblink_connect_u: 'admin', dblink_send_query: 'admin',
  query_to_xml: 'admin', query_to_xmlschema: 'admin', query_to_xml_and_xmlschema: 'admin', cursor_to_xml: 'admin',
  pg_replication_origin_create: 'admin', pg_replication_origin_drop: 'admin', pg_replication_slot_advance: 'admin',
};

/** Statements EXPLAIN accepts, so the planner can estimate their rows. */
export const EXPLAINABLE = new Set(['SelectStmt', 'InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt']);

export const CLASS_RANK: Record<SqlClass, number> = { read: 0, write: 1, ddl: 2, admin: 3 };
