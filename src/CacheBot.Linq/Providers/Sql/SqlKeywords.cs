using System.Collections.Frozen;

namespace CacheBot.Linq.Providers.Sql;

/// <summary>Word lists the classifier needs: syntax that takes parentheses but is not a function call, and settings.</summary>
internal static class SqlKeywords
{
    /// <summary>
    /// Words that may be followed by <c>(</c> without being a function call: clauses, operators, and the SQL-standard
    /// forms the grammar handles itself (<c>CAST</c>, <c>COALESCE</c>, <c>EXTRACT</c>, ... never user functions).
    /// </summary>
    public static readonly FrozenSet<string> NotCalls = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase,
        "SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "IN", "EXISTS", "VALUES", "AS", "ANY", "ALL", "SOME", "ARRAY", "ROW", "ON",
        "USING", "INTO", "JOIN", "LATERAL", "DISTINCT", "BY", "THEN", "ELSE", "WHEN", "CASE", "END", "RETURNING", "SET", "LIMIT",
        "OFFSET", "FETCH", "FIRST", "NEXT", "TABLE", "WITH", "RECURSIVE", "UNION", "INTERSECT", "EXCEPT", "IS", "LIKE", "ILIKE",
        "GLOB", "BETWEEN", "SIMILAR", "TO", "ESCAPE", "COLLATE", "UNIQUE", "PRIMARY", "KEY", "CHECK", "REFERENCES", "DEFAULT",
        "WINDOW", "PARTITION", "ORDER", "HAVING", "GROUP", "SETS", "CUBE", "ROLLUP", "OVER", "FILTER", "WITHIN", "CONFLICT", "DO",
        "UPDATE", "IF", "NULLS", "MATERIALIZED", "CONSTRAINT", "FOREIGN", "INDEX", "RAISE", "TABLESAMPLE", "REPEATABLE", "OVERLAPS",
        "ORDINALITY", "CURRENT", "ROWS", "RANGE", "PRECEDING", "FOLLOWING", "UNBOUNDED", "EXCLUDE", "FOR", "OF", "WITHOUT",
        "CAST", "TRY_CAST", "EXTRACT", "COALESCE", "NULLIF", "GREATEST", "LEAST", "POSITION", "SUBSTRING", "OVERLAY", "TRIM",
        "TREAT", "NORMALIZE", "COLLATION", "GROUPING", "CURRENT_DATE", "CURRENT_TIME", "CURRENT_TIMESTAMP", "LOCALTIME",
        "LOCALTIMESTAMP", "XMLCONCAT", "XMLELEMENT", "XMLEXISTS", "XMLFOREST", "XMLPARSE", "XMLPI", "XMLROOT", "XMLSERIALIZE",
        "XMLTABLE", "XMLATTRIBUTES", "XMLNAMESPACES", "JSON", "JSON_TABLE", "JSON_OBJECT", "JSON_ARRAY", "JSON_OBJECTAGG",
        "JSON_ARRAYAGG", "JSON_QUERY", "JSON_VALUE", "JSON_EXISTS", "JSON_SCALAR", "JSON_SERIALIZE", "MERGE_ACTION", "PASSING",
        "COLUMNS", "NESTED", "PATH", "KEEP", "OMIT", "QUOTES", "WRAPPER", "ERROR", "EMPTY");

    /// <summary>
    /// PostgreSQL settings whose change cannot alter what a query returns or which objects names resolve to (timeouts,
    /// planner costs, logging, transaction defaults). Any other <c>SET</c> taints the session.
    /// </summary>
    public static readonly FrozenSet<string> HarmlessPostgresSettings = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase,
        "application_name", "statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout", "idle_session_timeout",
        "transaction_timeout", "client_min_messages", "log_min_messages", "log_min_duration_statement", "log_statement",
        "log_duration", "work_mem", "maintenance_work_mem", "hash_mem_multiplier", "temp_buffers", "effective_cache_size",
        "random_page_cost", "seq_page_cost", "cpu_tuple_cost", "cpu_index_tuple_cost", "cpu_operator_cost", "parallel_setup_cost",
        "parallel_tuple_cost", "jit", "jit_above_cost", "jit_inline_above_cost", "jit_optimize_above_cost", "geqo",
        "geqo_threshold", "default_statistics_target", "from_collapse_limit", "join_collapse_limit", "plan_cache_mode",
        "max_parallel_workers_per_gather", "max_parallel_maintenance_workers", "parallel_leader_participation",
        "synchronous_commit", "commit_delay", "commit_siblings", "default_transaction_isolation", "default_transaction_read_only",
        "default_transaction_deferrable", "transaction_isolation", "transaction_read_only", "transaction_deferrable",
        "constraint_exclusion", "cursor_tuple_fraction", "enable_async_append", "enable_bitmapscan", "enable_gathermerge",
        "enable_hashagg", "enable_hashjoin", "enable_incremental_sort", "enable_indexscan", "enable_indexonlyscan",
        "enable_material", "enable_memoize", "enable_mergejoin", "enable_nestloop", "enable_parallel_append",
        "enable_parallel_hash", "enable_partition_pruning", "enable_partitionwise_join", "enable_partitionwise_aggregate",
        "enable_presorted_aggregate", "enable_seqscan", "enable_sort", "enable_tidscan", "enable_group_by_reordering",
        "track_activities", "track_counts", "track_io_timing", "track_functions", "default_tablespace", "temp_tablespaces",
        "check_function_bodies", "default_toast_compression", "vacuum_cost_delay", "vacuum_cost_limit", "deadlock_timeout",
        "escape_string_warning", "lo_compat_privileges", "search_path_cache", "tcp_keepalives_idle", "tcp_keepalives_interval",
        "tcp_keepalives_count", "tcp_user_timeout", "gin_fuzzy_search_limit", "effective_io_concurrency", "maintenance_io_concurrency");

    /// <summary>PostgreSQL settings that change how later SQL text is lexed.</summary>
    public static readonly FrozenSet<string> LexingPostgresSettings = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase, "standard_conforming_strings", "backslash_quote");

    /// <summary>SQLite pragmas whose assignment changes no data and no query result (performance, durability, limits).</summary>
    public static readonly FrozenSet<string> HarmlessSqlitePragmas = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase,
        "analysis_limit", "auto_vacuum", "automatic_index", "busy_timeout", "cache_size", "cache_spill", "cell_size_check",
        "checkpoint_fullfsync", "defer_foreign_keys", "foreign_keys", "fullfsync", "hard_heap_limit", "ignore_check_constraints",
        "incremental_vacuum", "journal_mode", "journal_size_limit", "locking_mode", "max_page_count", "mmap_size", "optimize",
        "page_size", "query_only", "recursive_triggers", "secure_delete", "shrink_memory", "soft_heap_limit", "synchronous",
        "temp_store", "temp_store_directory", "threads", "trusted_schema", "wal_autocheckpoint", "wal_checkpoint");

    /// <summary>SQLite pragmas whose assignment changes the results of later queries on the connection.</summary>
    public static readonly FrozenSet<string> SessionSqlitePragmas = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase,
        "case_sensitive_like", "read_uncommitted", "reverse_unordered_selects", "legacy_alter_table", "short_column_names",
        "full_column_names", "count_changes", "empty_result_callbacks", "encoding", "legacy_file_format");
}
