namespace CacheBot.Linq.Providers.Sql;

/// <summary>
/// Catalog SQL every PostgreSQL integration shares, so that linq2db and EF Core judge the same database alike: which
/// functions are provably read-only, and which functions a write to a table runs besides its triggers (column defaults,
/// generated columns, CHECK constraints of the table and of the domains of its columns, row-level security policies),
/// called directly or through a user-defined operator.
/// </summary>
/// <remarks>
/// Soundness: a function not proven read-only may write any table, so a table whose writes run one is written like a
/// table with a trigger whose body cannot be read. Not followed: casts and operators applied implicitly by a statement's
/// own SQL (they are the SQL classifier's), and base-type input and output functions (written in C).
/// </remarks>
public static class PostgresCatalogSql
{
    private const string ReadOnlyCondition = """
        CASE
            WHEN p.pronamespace = 'pg_catalog'::regnamespace THEN
                (p.provolatile <> 'v' OR p.proname IN ('random', 'random_normal', 'setseed', 'clock_timestamp', 'timeofday',
                    'gen_random_uuid', 'uuidv4', 'uuidv7', 'nextval', 'setval', 'currval', 'lastval', 'pg_sleep', 'pg_sleep_for',
                    'pg_sleep_until', 'txid_current', 'pg_current_xact_id', 'pg_notify', 'pg_advisory_lock', 'pg_advisory_unlock',
                    'pg_advisory_xact_lock', 'pg_try_advisory_lock', 'pg_try_advisory_xact_lock', 'pg_advisory_lock_shared',
                    'pg_advisory_unlock_shared', 'pg_advisory_xact_lock_shared', 'pg_try_advisory_lock_shared',
                    'pg_try_advisory_xact_lock_shared', 'pg_advisory_unlock_all'))
                AND p.proname NOT IN ('set_config', 'query_to_xml', 'query_to_xmlschema', 'query_to_xml_and_xmlschema',
                    'cursor_to_xml', 'cursor_to_xmlschema', 'ts_stat')
            ELSE p.provolatile <> 'v' AND (
                (p.prokind = 'f' AND l.lanname IN ('sql', 'plpgsql'))
                OR (p.prokind IN ('f', 'a', 'w') AND l.lanname IN ('internal', 'c') AND EXISTS (
                    SELECT 1 FROM pg_catalog.pg_depend d
                    WHERE d.classid = 'pg_catalog.pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')))
        END
        """;

    private const string WriteCalls = """
        SELECT e.relid, e.events FROM (
            SELECT d.adrelid AS relid, 3 AS events, 'pg_catalog.pg_attrdef'::regclass AS classid, d.oid AS objid FROM pg_catalog.pg_attrdef d
            UNION ALL SELECT po.polrelid, 15, 'pg_catalog.pg_policy'::regclass, po.oid FROM pg_catalog.pg_policy po
            UNION ALL SELECT co.conrelid, 3, 'pg_catalog.pg_constraint'::regclass, co.oid FROM pg_catalog.pg_constraint co
                WHERE co.contype = 'c' AND co.conrelid <> 0
            UNION ALL SELECT a.attrelid, 3, 'pg_catalog.pg_constraint'::regclass, co.oid FROM pg_catalog.pg_attribute a
                CROSS JOIN LATERAL (WITH RECURSIVE chain(oid, depth) AS (
                    SELECT a.atttypid, 0 UNION ALL
                    SELECT t.typbasetype, c.depth + 1 FROM pg_catalog.pg_type t JOIN chain c ON t.oid = c.oid
                    WHERE t.typtype = 'd' AND c.depth < 16)
                    SELECT oid FROM chain) ty
                JOIN pg_catalog.pg_constraint co ON co.contypid = ty.oid AND co.contype = 'c'
                WHERE a.attnum > 0 AND NOT a.attisdropped
                    AND EXISTS (SELECT 1 FROM pg_catalog.pg_type dt WHERE dt.oid = a.atttypid AND dt.typtype = 'd')
        ) e
        JOIN pg_catalog.pg_depend dep ON dep.classid = e.classid AND dep.objid = e.objid
            AND dep.refclassid IN ('pg_catalog.pg_proc'::regclass, 'pg_catalog.pg_operator'::regclass)
        LEFT JOIN pg_catalog.pg_operator o ON dep.refclassid = 'pg_catalog.pg_operator'::regclass AND o.oid = dep.refobjid
        JOIN pg_catalog.pg_proc p ON p.oid = CASE WHEN dep.refclassid = 'pg_catalog.pg_proc'::regclass THEN dep.refobjid ELSE o.oprcode::oid END
        JOIN pg_catalog.pg_language l ON l.oid = p.prolang
        WHERE NOT (
        """ + ReadOnlyCondition + ")";

    private const string ReadOnlyCalls = """
        SELECT p.proname::text FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_language l ON l.oid = p.prolang
        GROUP BY p.proname
        HAVING bool_and(
        """ + ReadOnlyCondition + """
        )
        UNION ALL
        SELECT 'operator ' || o.oprname FROM pg_catalog.pg_operator o
        LEFT JOIN pg_catalog.pg_proc p ON p.oid = o.oprcode::oid LEFT JOIN pg_catalog.pg_language l ON l.oid = p.prolang
        GROUP BY o.oprname
        HAVING bool_and(p.oid IS NOT NULL AND COALESCE(
        """ + ReadOnlyCondition + """
        , false))
        UNION ALL
        SELECT '::' || t.typname FROM pg_catalog.pg_type t
        LEFT JOIN pg_catalog.pg_cast c ON c.casttarget = t.oid AND c.castfunc <> 0
        LEFT JOIN pg_catalog.pg_proc p ON p.oid = c.castfunc LEFT JOIN pg_catalog.pg_language l ON l.oid = p.prolang
        GROUP BY t.typname
        HAVING bool_and(c.oid IS NULL OR COALESCE(
        """ + ReadOnlyCondition + """
        , false))
        """;

    /// <summary>
    /// Gets a condition over one function <c>p</c> (a <c>pg_proc</c> row, with its language <c>l</c>, a
    /// <c>pg_language</c> row) that holds when it is provably read-only: built-ins that are not volatile (plus volatile
    /// built-ins that change no table: <c>random</c>, <c>nextval</c>, <c>pg_advisory_lock</c>, ...), user functions
    /// marked STABLE or IMMUTABLE in SQL or PL/pgSQL, which PostgreSQL itself forbids to modify the database, and
    /// non-volatile C or internal functions, aggregates and window functions that belong to an installed extension (such
    /// as citext's <c>max(citext)</c>). Anything else may write.
    /// </summary>
    public static string ReadOnlyFunctionCondition => ReadOnlyCondition;

    /// <summary>
    /// Gets a query of rows <c>(relid oid, events int)</c>: a write of <c>events</c> (<see cref="WriteEvents"/> bits) to
    /// the relation <c>relid</c> may run a function that is not provably read-only. Column defaults and generated columns
    /// (inserts and updates: <c>UPDATE ... SET c = DEFAULT</c>, recomputation), CHECK constraints of the table and of the
    /// domains its columns are declared with, through domains of domains (inserts and updates), and row-level security
    /// policies (every write). A call counts when the expression depends on the function (<c>pg_depend</c>), or on an
    /// operator whose function it is. Filter by <c>relid</c> outside; the filter reaches every branch.
    /// </summary>
    public static string WriteCallsSql => WriteCalls;

    /// <summary>
    /// Gets a query of one text column: the names of calls that are provably read-only, as <see cref="SqlStatement.Calls"/>
    /// names them. A function name when every function of that name, in every schema, is read-only
    /// (<see cref="ReadOnlyFunctionCondition"/>); <c>operator ===</c> when every operator of that spelling has a read-only
    /// function; <c>::mytype</c> when every cast into a type of that name has no function or a read-only one. A name not
    /// listed (unknown, or created after the list was read) may write.
    /// </summary>
    public static string ReadOnlyCallsSql => ReadOnlyCalls;
}
