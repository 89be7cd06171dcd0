using System.Collections.Frozen;

namespace CacheBot.Linq.Providers.Sql;

/// <summary>
/// Calls PostgreSQL SQL text makes without naming a function: operators (<c>a === b</c> runs the operator's function)
/// and explicit casts (<c>x::mytype</c>, <c>CAST(x AS mytype)</c> run the cast's function). Each is reported as a call
/// for the integration's catalog to judge, named <c>operator ===</c> or <c>::mytype</c>, unless its spelling is one of
/// the standard operators or its target one of the standard types, which are taken as read-only without a lookup.
/// </summary>
/// <remarks>
/// Not followed (documented): implicit casts, casts to standard types from user-defined types, and standard operator
/// spellings redefined by the user for their own types, when backed by a function that writes.
/// </remarks>
internal static class PostgresOperatorCalls
{
    /// <summary>The characters PostgreSQL's lexer builds operators from.</summary>
    private const string OperatorChars = "~!@#^&|`?+-*/%<>=";

    /// <summary>The characters that let an operator end in <c>+</c> or <c>-</c>.</summary>
    private static readonly System.Buffers.SearchValues<char> KeepsTrailingSign = System.Buffers.SearchValues.Create("~!@#%^&|`?");

    /// <summary>Operators of the SQL standard and of everyday PostgreSQL (comparison, arithmetic, concatenation).</summary>
    private static readonly FrozenSet<string> StandardOperators = FrozenSet.Create(
        StringComparer.Ordinal, "=", "<>", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "%", "^", "||");

    /// <summary>Built-in type names (the first word of multi-word ones such as <c>double precision</c>).</summary>
    private static readonly FrozenSet<string> StandardTypes = FrozenSet.Create(
        StringComparer.Ordinal,
        "int", "int2", "int4", "int8", "integer", "smallint", "bigint", "real", "double", "float", "float4", "float8", "numeric",
        "decimal", "money", "text", "varchar", "char", "character", "bpchar", "name", "bool", "boolean", "bytea", "date", "time",
        "timestamp", "timestamptz", "timetz", "interval", "uuid", "json", "jsonb", "xml", "inet", "cidr", "macaddr", "oid",
        "regclass", "regtype", "regproc", "regprocedure", "regnamespace", "regoper", "regoperator", "regrole", "regconfig",
        "tsvector", "tsquery", "bit", "varbit", "record", "void", "unknown");

    /// <summary>Adds the operators and cast targets of tokens [start, end) that need the catalog's judgement.</summary>
    public static void Add(SqlText sql, int start, int end, ref List<string>? calls)
    {
        for (var k = start; k < end; k++)
        {
            if (sql.IsKind(k, SqlTokenKind.Operator) && sql.Span(k) is "::")
            {
                AddCastTarget(sql, k + 1, ref calls);
                continue;
            }

            if (sql.IsWord(k, "AS") && IsCastAs(sql, start, k))
            {
                AddCastTarget(sql, k + 1, ref calls);
                continue;
            }

            if (!IsOperatorToken(sql, k))
            {
                continue;
            }

            // Adjacent operator characters form one run, which the lexer cuts into operators.
            var runStart = k;
            while (k + 1 < end && IsOperatorToken(sql, k + 1) && sql[k + 1].Start == sql[k].End)
            {
                k++;
            }

            var run = sql.Text.AsSpan(sql[runStart].Start, sql[k].End - sql[runStart].Start);
            while (!run.IsEmpty)
            {
                var length = OperatorLength(run);
                var name = run[..length].ToString();
                if (!StandardOperators.Contains(name))
                {
                    (calls ??= []).Add("operator " + name);
                }

                run = run[length..];
            }
        }
    }

    /// <summary>
    /// The length of the operator at the start of <paramref name="run"/>, by PostgreSQL's lexer: the whole run, except
    /// that a run of more than one character ending in <c>+</c> or <c>-</c> loses those endings unless it holds one of
    /// <c>~ ! @ # % ^ &amp; | ` ?</c> (so <c>=-1</c> is <c>=</c> then <c>-</c>).
    /// </summary>
    internal static int OperatorLength(ReadOnlySpan<char> run)
    {
        var length = run.Length;
        if (length > 1 && run[length - 1] is '+' or '-' && run[..(length - 1)].IndexOfAny(KeepsTrailingSign) < 0)
        {
            do
            {
                length--;
            }
            while (length > 1 && run[length - 1] is '+' or '-');
        }

        return length;
    }

    private static bool IsOperatorToken(SqlText sql, int k) =>
        sql.IsKind(k, SqlTokenKind.Operator) && sql[k].Length == 1 && OperatorChars.Contains(sql.Text[sql[k].Start], StringComparison.Ordinal);

    /// <summary>Whether the AS at <paramref name="k"/> is inside <c>CAST(</c> ... <c>)</c> at its own depth.</summary>
    private static bool IsCastAs(SqlText sql, int start, int k)
    {
        var depth = sql[k].Depth;
        for (var i = k - 1; i > start; i--)
        {
            if (sql.IsKind(i, SqlTokenKind.OpenParen) && sql[i].Depth < depth)
            {
                return sql.IsWord(i - 1, "CAST");
            }
        }

        return false;
    }

    private static void AddCastTarget(SqlText sql, int k, ref List<string>? calls)
    {
        // schema.type: the last part names the type.
        while (sql.IsName(k) && sql.IsKind(k + 1, SqlTokenKind.Dot) && sql.IsName(k + 2))
        {
            k += 2;
        }

        var name = sql.FoldedName(k);
        if (name is null)
        {
            (calls ??= []).Add("::?");
        }
        else if (!StandardTypes.Contains(name))
        {
            (calls ??= []).Add("::" + name);
        }
    }
}
