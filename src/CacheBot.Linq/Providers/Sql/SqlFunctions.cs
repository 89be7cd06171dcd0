using System.Collections.Frozen;

namespace CacheBot.Linq.Providers.Sql;

/// <summary>
/// What CacheBot knows statically about function calls. SQLite: its built-in functions, none of which writes (except
/// <c>load_extension</c>); any other call is an application-defined function and may do anything. Other databases
/// without a catalog: the common built-ins of the major databases. PostgreSQL calls are decided by
/// the integration (CacheBot.Linq2Db's function catalog reads <c>pg_proc</c>) instead.
/// </summary>
internal static class SqlFunctions
{
    /// <summary>SQLite's built-in scalar, aggregate, window, date, math, JSON and table-valued pragma functions.</summary>
    public static readonly FrozenSet<string> SqliteBuiltins = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase,
        "abs", "changes", "char", "coalesce", "concat", "concat_ws", "format", "glob", "hex", "ifnull", "iif", "if", "instr",
        "last_insert_rowid", "length", "like", "likelihood", "likely", "lower", "ltrim", "max", "min", "nullif", "octet_length",
        "printf", "quote", "random", "randomblob", "replace", "round", "rtrim", "sign", "soundex", "sqlite_compileoption_get",
        "sqlite_compileoption_used", "sqlite_offset", "sqlite_source_id", "sqlite_version", "substr", "substring", "total_changes",
        "trim", "typeof", "unhex", "unicode", "unistr", "unistr_quote", "unlikely", "upper", "zeroblob", "date", "time", "datetime",
        "julianday", "unixepoch", "strftime", "timediff", "avg", "count", "group_concat", "string_agg", "sum", "total", "median",
        "percentile", "percentile_cont", "percentile_disc", "row_number", "rank", "dense_rank", "percent_rank", "cume_dist",
        "ntile", "lag", "lead", "first_value", "last_value", "nth_value", "acos", "acosh", "asin", "asinh", "atan", "atan2",
        "atanh", "ceil", "ceiling", "cos", "cosh", "degrees", "exp", "floor", "ln", "log", "log10", "log2", "mod", "pi", "pow",
        "power", "radians", "sin", "sinh", "sqrt", "tan", "tanh", "trunc", "json", "jsonb", "json_array", "jsonb_array",
        "json_array_length", "json_error_position", "json_extract", "jsonb_extract", "json_insert", "jsonb_insert", "json_object",
        "jsonb_object", "json_patch", "jsonb_patch", "json_pretty", "json_remove", "jsonb_remove", "json_replace", "jsonb_replace",
        "json_set", "jsonb_set", "json_type", "json_valid", "json_quote", "json_group_array", "jsonb_group_array",
        "json_group_object", "jsonb_group_object", "json_each", "jsonb_each", "json_tree", "jsonb_tree", "generate_series",
        "pragma_table_info", "pragma_table_xinfo", "pragma_table_list", "pragma_index_info", "pragma_index_xinfo",
        "pragma_index_list", "pragma_foreign_key_list", "pragma_database_list", "pragma_collation_list", "pragma_function_list",
        "pragma_module_list", "pragma_pragma_list", "pragma_compile_options");

    /// <summary>Built-ins common to the major databases (SQL Server, MySQL, Oracle, ...), used by <see cref="SqlDialect.Generic"/>.</summary>
    public static readonly FrozenSet<string> GenericBuiltins = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase,
        "count", "count_big", "sum", "avg", "min", "max", "stdev", "stdevp", "var", "varp", "string_agg", "group_concat",
        "listagg", "coalesce", "nullif", "isnull", "ifnull", "nvl", "nvl2", "iif", "choose", "decode", "lower", "upper", "lcase",
        "ucase", "trim", "ltrim", "rtrim", "length", "len", "datalength", "char_length", "character_length", "octet_length",
        "bit_length", "substring", "substr", "mid", "left", "right", "replace", "reverse", "replicate", "space", "stuff", "lpad",
        "rpad", "concat", "concat_ws", "charindex", "patindex", "instr", "locate", "position", "translate", "soundex",
        "difference", "ascii", "char", "nchar", "unicode", "quotename", "format", "str", "abs", "round", "floor", "ceiling",
        "ceil", "trunc", "truncate", "mod", "power", "pow", "sqrt", "square", "exp", "log", "log10", "ln", "sign", "sin", "cos",
        "tan", "cot", "asin", "acos", "atan", "atan2", "atn2", "pi", "degrees", "radians", "rand", "random", "newid", "uuid",
        "getdate", "getutcdate", "sysdatetime", "sysutcdatetime", "sysdatetimeoffset", "now", "curdate", "curtime",
        "utc_timestamp", "sysdate", "systimestamp", "datepart", "datename", "dateadd", "datediff", "datediff_big",
        "datefromparts", "datetimefromparts", "eomonth", "date_add", "date_sub", "date_format", "str_to_date", "to_char",
        "to_date", "to_number", "to_timestamp", "add_months", "months_between", "last_day", "year", "month", "day", "hour",
        "minute", "second", "week", "weekday", "dayofweek", "dayofyear", "date", "time", "datetime", "timestamp", "convert",
        "try_convert", "row_number", "rank", "dense_rank", "ntile", "lag", "lead", "first_value", "last_value", "json_value",
        "json_query", "isjson", "isnumeric", "isdate", "checksum", "binary_checksum", "greatest", "least", "bin", "hex", "unhex");

    /// <summary>Calls that change session state even though they are built in (PostgreSQL <c>set_config</c>).</summary>
    public static bool ChangesSession(string name) => name.Equals("set_config", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether a call of <paramref name="name"/> is provably read-only from static knowledge alone.</summary>
    public static bool IsStaticallyReadOnly(SqlDialect dialect, string name, bool qualified) => dialect switch
    {
        SqlDialect.Sqlite => !qualified && SqliteBuiltins.Contains(name),
        SqlDialect.Generic => !qualified && GenericBuiltins.Contains(name),
        _ => false,
    };
}
