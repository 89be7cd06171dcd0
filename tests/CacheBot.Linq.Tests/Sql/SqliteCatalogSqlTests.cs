using CacheBot.Linq.Providers;
using CacheBot.Linq.Providers.Sql;

namespace CacheBot.Linq.Tests.Sql;

/// <summary>The facts SQLite keeps only as SQL text, as integrations read them (<see cref="SqliteCatalogSql"/>).</summary>
public sealed class SqliteCatalogSqlTests
{
    [Theory]
    [InlineData("CREATE TABLE t (a TEXT COLLATE NOCASE, b TEXT, \"c d\" TEXT COLLATE RTRIM, e TEXT COLLATE BINARY, f TEXT COLLATE custom)", "a=NOCASE;b=;c d=RTRIM;e=BINARY;f=custom")]
    [InlineData("CREATE TABLE t (a TEXT NOT NULL DEFAULT 'x' COLLATE NOCASE, CONSTRAINT pk PRIMARY KEY (a), UNIQUE (a COLLATE BINARY))", "a=NOCASE")]
    [InlineData("CREATE TABLE t (a TEXT CHECK (a <> 'b' COLLATE NOCASE), b INTEGER GENERATED ALWAYS AS (1) VIRTUAL)", "a=;b=")]
    [InlineData("CREATE TABLE t AS SELECT 1 AS a", null)]
    [InlineData("CREATE VIRTUAL TABLE t USING fts5(a)", null)]
    public void ColumnCollations_ReadFromCreateTable(string sql, string? expected)
    {
        var collations = SqliteCatalogSql.ColumnCollations(sql);
        Assert.Equal(expected, collations is null ? null : string.Join(";", collations.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => c.Key + "=" + c.Value)));
    }

    [Theory]
    [InlineData("TEXT", null, StringMatching.Ordinal)]
    [InlineData("VARCHAR(20)", "NOCASE", StringMatching.AsciiIgnoreCase)]
    [InlineData("TEXT", "RTRIM", StringMatching.TrailingSpaces)]
    [InlineData("TEXT", "custom", StringMatching.Excluded)]
    [InlineData("INTEGER", null, StringMatching.Excluded)]
    [InlineData("", null, StringMatching.Ordinal)]
    public void MatchingFor_DeclaredTypeAndCollation(string declared, string? collation, StringMatching expected) =>
        Assert.Equal(expected, SqliteCatalogSql.MatchingFor(declared, collation));

    [Theory]
    [InlineData("CREATE TABLE t (a TEXT UNIQUE ON CONFLICT REPLACE)", true)]
    [InlineData("CREATE TABLE t (a INTEGER PRIMARY KEY ON CONFLICT REPLACE, b TEXT)", true)]
    [InlineData("CREATE TABLE t (a TEXT UNIQUE, b TEXT DEFAULT 'ON CONFLICT REPLACE')", false)]
    [InlineData("CREATE TABLE t (a TEXT UNIQUE ON CONFLICT IGNORE)", false)]
    public void DeclaresReplace_ReadFromCreateTable(string sql, bool expected) =>
        Assert.Equal(expected, SqliteCatalogSql.DeclaresReplace(sql));

    [Theory]
    [InlineData("CREATE TRIGGER a AFTER INSERT ON t BEGIN INSERT INTO log (x) VALUES (NEW.id); END", WriteEvents.Insert, "log")]
    [InlineData("CREATE TRIGGER a AFTER UPDATE OF x ON t FOR EACH ROW WHEN NEW.x > 0 BEGIN UPDATE s SET n = n + 1; DELETE FROM u WHERE id = OLD.id; END", WriteEvents.Update, "s,u")]
    [InlineData("CREATE TRIGGER a BEFORE DELETE ON t BEGIN SELECT RAISE(ABORT, 'no'); END", WriteEvents.Delete, "")]
    public void ParseTrigger_EventsAndTargets(string sql, WriteEvents events, string targets)
    {
        var trigger = SqliteCatalogSql.ParseTrigger(sql);
        Assert.Equal(events, trigger.Events);
        Assert.Equal(targets, string.Join(",", trigger.Targets!.Select(t => t.Name)));
    }
}
