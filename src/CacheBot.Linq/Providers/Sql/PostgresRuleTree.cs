using System.Globalization;
using System.Text.RegularExpressions;

namespace CacheBot.Linq.Providers.Sql;

/// <summary>
/// Reads a PostgreSQL view's rule as the catalog stores it (<c>pg_rewrite.ev_action::text</c>, the node tree of the view's
/// query): whether it reads session state, and which functions it calls. Calls of built-ins are not recorded in
/// <c>pg_depend</c>, so the tree is the one place that names them.
/// </summary>
/// <remarks>
/// A view whose answer can change without a write (it reads the clock, the current user or a setting, a sequence, a cast
/// through text, or calls a function that is not an immutable built-in) must not be cached: an integration looks the
/// <see cref="FunctionIds"/> up in <c>pg_proc</c> (<c>provolatile = 'i'</c> in <c>pg_catalog</c>) and refuses the view when
/// <see cref="ReadsSessionState"/> is true or any function is unsafe.
/// </remarks>
public static partial class PostgresRuleTree
{
    /// <summary>Returns whether the tree reads session state: <c>CURRENT_USER</c>, <c>now()</c>-like SQL value functions,
    /// <c>nextval</c> expressions, casts through text I/O (which may read settings), <c>CURRENT OF</c>.</summary>
    /// <param name="tree">The rule's node tree.</param>
    /// <returns>Whether the view reads session state.</returns>
    public static bool ReadsSessionState(string tree)
    {
        ArgumentNullException.ThrowIfNull(tree);
        return tree.Contains("{SQLVALUEFUNCTION", StringComparison.Ordinal) || tree.Contains("{NEXTVALUEEXPR", StringComparison.Ordinal)
            || tree.Contains("{COERCEVIAIO", StringComparison.Ordinal) || tree.Contains("{CURRENTOFEXPR", StringComparison.Ordinal);
    }

    /// <summary>Returns the distinct <c>pg_proc</c> ids of the functions, operators' functions, aggregates and window functions the tree calls.</summary>
    /// <param name="tree">The rule's node tree.</param>
    /// <returns>The function ids, in order of first appearance.</returns>
    public static IReadOnlyList<long> FunctionIds(string tree)
    {
        ArgumentNullException.ThrowIfNull(tree);
        var functions = new List<long>();
        foreach (Match match in FunctionIdPattern().Matches(tree))
        {
            var id = long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            if (id != 0 && !functions.Contains(id))
            {
                functions.Add(id);
            }
        }

        return functions;
    }

    [GeneratedRegex(@":(?:funcid|opfuncid|aggfnoid|winfnoid|funcid2) (\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex FunctionIdPattern();
}
