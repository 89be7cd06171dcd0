using CacheBot.Linq2Db.Writes;

namespace CacheBot.Linq2Db.Tests.Writes;

public sealed class SqlWriteParserTests
{
    [Theory]
    [InlineData("SELECT * FROM [Photo] WHERE [Id] = @id")]
    [InlineData("  -- comment\n select 1")]
    [InlineData("WITH x AS (SELECT 1) SELECT * FROM x")]
    [InlineData("PRAGMA foreign_keys = ON")]
    [InlineData("BEGIN")]
    public void Parse_ReadOnlyStatements_AreNotWrites(string sql) => Assert.False(SqlWriteParser.Parse(sql).IsWrite);

    [Fact]
    public void Parse_LinqUpdate_FindsTableClauseAndWhere()
    {
        var s = SqlWriteParser.Parse("UPDATE\n\t[Photo]\nSET\n\t[Title] = @Title\nWHERE\n\t[Photo].[Id] = @Id");
        Assert.Equal(SqlStatementKind.Update, s.Kind);
        Assert.Equal("Photo", s.Table);
        Assert.Equal("[Photo]", s.TableClause);
        Assert.Equal("[Photo].[Id] = @Id", s.Where);
        Assert.False(s.HasFrom);
    }

    [Fact]
    public void Parse_PostgresQualifiedDelete_ReadsSchemaAndTable()
    {
        var s = SqlWriteParser.Parse("DELETE FROM \"public\".\"Photo\" WHERE \"Photo\".\"UserId\" = :p1");
        Assert.Equal(SqlStatementKind.Delete, s.Kind);
        Assert.Equal("public", s.Schema);
        Assert.Equal("Photo", s.Table);
        Assert.Equal("\"Photo\".\"UserId\" = :p1", s.Where);
    }

    [Theory]
    [InlineData("INSERT INTO [Photo] ([UserId]) VALUES (@u)", "Insert")]
    [InlineData("INSERT OR REPLACE INTO [Photo] ([Id]) VALUES (1)", "TableWrite")]
    [InlineData("INSERT INTO \"Photo\" (\"Id\") VALUES (1) ON CONFLICT (\"Id\") DO UPDATE SET \"Title\" = 'x'", "TableWrite")]
    [InlineData("TRUNCATE TABLE photo", "TableWrite")]
    [InlineData("DROP TABLE IF EXISTS [Photo]", "TableWrite")]
    [InlineData("MERGE INTO Photo t USING x ON t.Id = x.Id WHEN MATCHED THEN DELETE", "TableWrite")]
    [InlineData("UPDATE Photo SET Title = 'a'; DELETE FROM User", "Unknown")]
    [InlineData("WITH x AS (SELECT 1) DELETE FROM Photo", "Unknown")]
    [InlineData("CALL do_things()", "Unknown")]
    [InlineData("SELECT * INTO archive FROM Photo", "Unknown")]
    public void Parse_Writes_AreClassified(string sql, string expected)
    {
        var kind = Enum.Parse<SqlStatementKind>(expected);
        var statement = SqlWriteParser.Parse(sql);
        Assert.Equal(kind, statement.Kind);
        if (kind is SqlStatementKind.Insert or SqlStatementKind.TableWrite)
        {
            Assert.Equal("photo", statement.Table, ignoreCase: true);
        }
    }

    [Fact]
    public void Parse_KeywordsInsideStringsAndComments_AreIgnored()
    {
        var s = SqlWriteParser.Parse("UPDATE [Photo] SET [Title] = 'x; DELETE FROM y WHERE' /* ; drop */ WHERE [Id] = 1");
        Assert.Equal(SqlStatementKind.Update, s.Kind);
        Assert.Equal("[Id] = 1", s.Where);
    }
}
