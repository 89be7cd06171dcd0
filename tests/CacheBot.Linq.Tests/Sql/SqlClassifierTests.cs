using CacheBot.Linq.Providers.Sql;
using Xunit;

namespace CacheBot.Linq.Tests.Sql;

/// <summary>
/// The SQL classification table: one test case per (dialect, statement text, expected classification). The expected
/// text is <see cref="Describe"/>'s: kind, written tables, savepoint, upsert key and values, flags, calls that are not
/// provably read-only, session effects; statements of one text are joined by " ; ".
/// </summary>
public sealed class SqlClassifierTests
{
    public static TheoryData<string, string, string> Cases => new()
    {
        // Comments in every position.
        { "S", "SELECT * FROM [Photo] WHERE [Id] = @id", "read" },
        { "S", "  -- comment\n select 1", "read" },
        { "S", "UPDATE [Photo] SET [Title] = @t WHERE [Id] = @id -- trailing", "update Photo" },
        { "S", "UPDATE [Photo] SET [Title] = @t WHERE [Id] = @id -- trailing\n", "update Photo" },
        { "P", "UPDATE photo SET title = $1 WHERE id = $2 --", "update photo" },
        { "S", "/* lead */ DELETE /* mid */ FROM /* x */ [Photo] WHERE [Id] = 1", "delete Photo" },
        { "S", "DELETE FROM Photo WHERE Id = 1 /* unterminated, which SQLite accepts", "delete Photo" },
        { "P", "DELETE FROM photo WHERE id = 1 /* outer /* inner */ still a comment; DROP TABLE users; */", "delete photo" },
        { "S", "SELECT 1 /* a /* b */; DELETE FROM Photo; -- */", "read ; delete Photo" },
        { "P", "SELECT 1 /* a /* b */; DELETE FROM Photo; -- */", "read" },
        { "P", "SELECT 1;-- c\rDELETE FROM t", "read ; delete t" },
        { "S", "SELECT 1;-- c\rDELETE FROM t", "read" },
        { "G", "SELECT 1;-- c\rDELETE FROM t", "db sets=All tx?" },
        { "P", "/* c */ COMMIT -- done", "commit" },
        { "S", "SELECT/**/1", "read" },
        { "P", "INSERT INTO t (a) VALUES (1) -- RETURNING *", "insert t" },

        // Quoted identifiers.
        { "S", "UPDATE \"UPDATE\" SET \"SET\" = 1 WHERE \"WHERE\" = 2", "update UPDATE" },
        { "S", "INSERT INTO [DELETE] ([x]) VALUES (1)", "insert DELETE" },
        { "S", "INSERT INTO `order` (`x`) VALUES (1)", "insert order" },
        { "P", "INSERT INTO \"Order\"\"s\" (\"x\") VALUES (1)", "insert Order\"s" },
        { "P", "UPDATE public.\"Photo\" SET \"Title\" = $1 WHERE \"Id\" = $2", "update public.Photo" },
        { "P", "DELETE FROM U&\"Ph\\006Fto\" WHERE x = 1", "db" },
        { "P", "SELECT arr[1] FROM t", "read" },
        { "S", "DELETE FROM [my table] WHERE [id] = 1", "delete my table" },
        { "P", "UPDATE \"a\".\"b\".\"c\" SET x = 1 WHERE y = 2", "update b.c" },
        { "P", "UPDATE ONLY photo * SET title = 'x' WHERE id = 1", "update photo" },

        // String literals containing ; -- and keywords.
        { "S", "UPDATE Photo SET Title = 'x; DELETE FROM y WHERE' WHERE Id = 1", "update Photo" },
        { "S", "SELECT '--', ';', 'DELETE FROM Photo' FROM Photo", "read" },
        { "S", "SELECT 'it''s; DROP TABLE x' AS a", "read" },
        { "P", "SELECT E'it\\'s; DELETE FROM t; --'", "read" },
        { "P", "SELECT e'\\\\'; DELETE FROM t", "read ; delete t" },
        { "P", "SELECT 'it\\'; DELETE FROM t; --'", "read ; delete t" },
        { "G", "SELECT 'it\\'; DELETE FROM t; --'", "db sets=All tx?" },
        { "P", "SELECT $$; DELETE FROM t; $$", "read" },
        { "P", "SELECT $tag$ $$ ; DELETE FROM t; $$ $tag$", "read" },
        { "P", "SELECT $1, $2::int FROM t", "read" },
        { "P", "SELECT a$b FROM t; DELETE FROM u", "read ; delete u" },
        { "P", "SELECT b'0101', x'ff', n'abc'", "read" },
        { "S", "SELECT x'00ff'", "read" },
        { "P", "SELECT U&'d\\0061t\\+000061'", "read" },
        { "P", "SELECT 'a' 'b'", "read" },
        { "S", "SELECT \"a;b\" FROM t", "read" },
        { "P", "SELECT 'unterminated", "db sets=All tx?" },
        { "S", "SELECT (1", "db sets=All tx?" },
        { "P", "SELECT $x$ never closed", "db sets=All tx?" },
        { "G", "SELECT 1 # comment", "db sets=All tx?" },

        // Several statements.
        { "S", "UPDATE Photo SET Title = 'a' WHERE Id = 1; DELETE FROM Users WHERE Id = 2", "update Photo ; delete Users" },
        { "S", "INSERT INTO Photo (Id) VALUES (1); SELECT last_insert_rowid()", "insert Photo ; read" },
        { "P", "BEGIN; UPDATE t SET a = 1 WHERE id = 1; COMMIT;", "begin ; update t ; commit" },
        { "S", ";;SELECT 1;;", "read" },
        { "S", "", "" },
        { "P", "INSERT INTO t (a) VALUES (1); SELECT 1/0", "insert t ; read" },

        // CTEs with DML at any depth.
        { "P", "WITH x AS (SELECT 1) SELECT * FROM x", "read" },
        { "P", "WITH d AS (DELETE FROM photo WHERE id = 3 RETURNING *) SELECT count(*) FROM d", "table photo calls=count" },
        { "P", "WITH a AS (SELECT 1), b AS (SELECT * FROM (SELECT 1) q WHERE EXISTS (SELECT 1 FROM (UPDATE t SET x = 1 RETURNING *) u)) SELECT 1", "table t" },
        { "P", "WITH x AS (SELECT id FROM photo WHERE status = 2) UPDATE photo SET title = 'x' WHERE id IN (SELECT id FROM x)", "update photo" },
        { "P", "WITH x AS (INSERT INTO log (msg) VALUES ('a') RETURNING id) UPDATE photo SET title = 'x' WHERE id = 1", "table log,photo" },
        { "S", "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 5) SELECT n FROM c", "read" },
        { "P", "WITH c (n) AS MATERIALIZED (SELECT 1) SELECT * FROM c", "read" },
        { "P", "WITH x AS (SELECT * FROM t FOR UPDATE) SELECT * FROM x", "read" },
        { "P", "WITH x AS (SELECT 1) INSERT INTO t (a) VALUES (1) ON CONFLICT (a) DO UPDATE SET b = 2", "upsert t key=a values=1" },
        { "P", "WITH m AS (MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE RETURNING *) SELECT 1", "table t" },
        { "P", "WITH x AS (SELECT 1) DELETE FROM photo WHERE id = 1", "delete photo" },

        // EXPLAIN runs its statement only with ANALYZE.
        { "P", "EXPLAIN SELECT * FROM t", "read" },
        { "P", "EXPLAIN DELETE FROM t WHERE id = 1", "read" },
        { "P", "EXPLAIN ANALYZE DELETE FROM t WHERE id = 1", "table t" },
        { "P", "EXPLAIN ANALYZE VERBOSE INSERT INTO t (a) VALUES (1)", "table t" },
        { "P", "EXPLAIN (ANALYZE, BUFFERS) UPDATE t SET a = 1", "table t" },
        { "P", "EXPLAIN (FORMAT JSON) UPDATE t SET a = 1", "read" },
        { "S", "EXPLAIN QUERY PLAN DELETE FROM t", "read" },
        { "P", "EXPLAIN ANALYZE SELECT f(1)", "read calls=f" },
        { "P", "EXPLAIN ANALYZE CALL p()", "db" },

        // SELECT ... INTO, CREATE TABLE AS and other DDL.
        { "P", "SELECT * INTO archive FROM photo", "ddl archive" },
        { "P", "SELECT * INTO TEMP t2 FROM photo", "ddl t2 sets=TemporaryObjects" },
        { "S", "SELECT * INTO archive FROM photo", "db" },
        { "P", "CREATE TABLE archive AS SELECT * FROM photo", "ddl archive" },
        { "P", "CREATE TABLE archive AS SELECT my_func(id) FROM photo", "ddl archive calls=my_func" },
        { "P", "CREATE TEMP TABLE scratch (id int)", "ddl scratch sets=TemporaryObjects" },
        { "S", "CREATE TEMPORARY TABLE scratch (id INTEGER)", "ddl scratch sets=TemporaryObjects" },
        { "S", "CREATE TABLE temp.scratch (id INTEGER)", "ddl temp.scratch sets=TemporaryObjects" },
        { "P", "CREATE TABLE IF NOT EXISTS t (id int, name varchar(10) DEFAULT lower('X'))", "ddl t" },
        { "S", "CREATE UNIQUE INDEX ix ON Photo (Title)", "ddl Photo" },
        { "P", "CREATE INDEX CONCURRENTLY IF NOT EXISTS ix ON ONLY photo (title)", "ddl photo" },
        { "P", "CREATE OR REPLACE VIEW v AS SELECT f(x) FROM t", "ddl v calls=f" },
        { "P", "CREATE TEMP VIEW v AS SELECT 1", "ddl v sets=TemporaryObjects" },
        { "P", "DROP TABLE IF EXISTS a, b", "ddl a,b" },
        { "P", "DROP TABLE a CASCADE", "db" },
        { "P", "DROP INDEX ix", "db" },
        { "P", "ALTER TABLE a RENAME TO b", "db" },
        { "P", "TRUNCATE TABLE ONLY a, b RESTART IDENTITY", "table a,b" },
        { "P", "TRUNCATE a CASCADE", "db" },
        { "P", "CREATE MATERIALIZED VIEW mv AS SELECT 1", "ddl mv" },
        { "P", "REFRESH MATERIALIZED VIEW CONCURRENTLY mv", "table mv" },
        { "P", "CREATE SCHEMA tenant_c", "db" },
        { "S", "CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE u SET x = CASE WHEN 1 THEN 2 END; DELETE FROM v; END; SELECT 1", "db ; read" },
        { "P", "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 1 END; END; COMMIT", "db ; commit" },
        { "P", "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; COMMIT", "db tx?" },
        { "P", "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; COMMIT; $$", "db" },

        // COPY, CALL, DO, VACUUM, PRAGMA, ATTACH.
        { "P", "COPY photo FROM STDIN (FORMAT BINARY)", "table photo" },
        { "P", "COPY photo (id, title) FROM '/tmp/x.csv'", "table photo" },
        { "P", "COPY \"Photo\" (\"Id\", \"Title\") FROM STDIN (FORMAT BINARY)", "table Photo" },
        { "P", "COPY photo TO STDOUT", "read" },
        { "P", "COPY (SELECT * FROM photo) TO STDOUT", "read" },
        { "P", "COPY (DELETE FROM photo RETURNING *) TO STDOUT", "db" },
        { "P", "CALL do_things(1)", "db" },
        { "P", "DO $$ BEGIN DELETE FROM t; END $$", "db" },
        { "P", "DO LANGUAGE plpgsql 'BEGIN NULL; END'", "db" },
        { "S", "VACUUM", "db" },
        { "P", "VACUUM ANALYZE photo", "read" },
        { "S", "VACUUM INTO '/tmp/copy.db'", "read" },
        { "S", "ANALYZE", "read" },
        { "S", "PRAGMA foreign_keys = ON", "read" },
        { "S", "PRAGMA table_info('Photo')", "read" },
        { "S", "PRAGMA journal_mode", "read" },
        { "S", "PRAGMA main.user_version = 5", "db sets=Setting" },
        { "S", "PRAGMA case_sensitive_like = 1", "read sets=Setting" },
        { "S", "PRAGMA read_uncommitted = true", "read sets=Setting" },
        { "S", "PRAGMA writable_schema = 1", "db sets=Setting" },
        { "S", "PRAGMA some_future_pragma = 3", "db sets=Setting" },
        { "S", "PRAGMA busy_timeout(5000)", "read" },
        { "S", "ATTACH DATABASE 'other.db' AS other", "read sets=Attached" },
        { "S", "ATTACH 'other.db' AS other", "read sets=Attached" },
        { "S", "DETACH other", "read" },

        // SET, RESET, DISCARD: session state.
        { "P", "SET search_path TO tenant_a, public", "read sets=SearchPath" },
        { "P", "SET SESSION search_path = tenant_a", "read sets=SearchPath" },
        { "P", "SET LOCAL search_path = tenant_a", "read sets=SearchPath local" },
        { "P", "SET search_path TO DEFAULT", "read resets=SearchPath" },
        { "P", "SET SCHEMA 'tenant_a'", "read sets=SearchPath" },
        { "P", "SET ROLE tenant_user", "read sets=Role" },
        { "P", "SET ROLE NONE", "read resets=Role" },
        { "P", "RESET ROLE", "read resets=Role" },
        { "P", "SET SESSION AUTHORIZATION 'bob'", "read sets=SessionAuthorization" },
        { "P", "SET SESSION AUTHORIZATION DEFAULT", "read resets=SessionAuthorization" },
        { "P", "RESET ALL", "read resets=SearchPath, Setting, Lexing" },
        { "P", "DISCARD ALL", "read resets=All" },
        { "P", "DISCARD TEMP", "read resets=TemporaryObjects" },
        { "P", "DISCARD PLANS", "read" },
        { "P", "RESET search_path", "read resets=SearchPath" },
        { "P", "RESET TIME ZONE", "read resets=Setting" },
        { "P", "SET statement_timeout = 5000", "read" },
        { "P", "SET application_name TO 'x'", "read" },
        { "P", "SET TIME ZONE 'UTC'", "read sets=Setting" },
        { "P", "SET DateStyle = 'ISO, DMY'", "read sets=Setting" },
        { "P", "SET row_security = off", "read sets=Setting" },
        { "P", "SET standard_conforming_strings = off", "read sets=Lexing" },
        { "P", "SET app.tenant_id = '42'", "read sets=Setting" },
        { "P", "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE", "read" },
        { "P", "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY", "read" },
        { "P", "SET CONSTRAINTS ALL DEFERRED", "read" },
        { "P", "SELECT set_config('search_path', 'tenant_b', false)", "read calls=set_config sets=SearchPath, Role, Setting" },
        { "P", "SELECT pg_catalog.set_config('search_path', 'tenant_b', true)", "read calls=set_config sets=SearchPath, Role, Setting" },
        { "G", "SET NOCOUNT ON", "read sets=Setting" },

        // Transaction control: savepoints, chained commits, ABORT, two-phase commit.
        { "S", "BEGIN", "begin" },
        { "S", "BEGIN IMMEDIATE TRANSACTION", "begin" },
        { "P", "BEGIN ISOLATION LEVEL SERIALIZABLE", "begin" },
        { "P", "START TRANSACTION ISOLATION LEVEL REPEATABLE READ", "begin" },
        { "P", "COMMIT", "commit" },
        { "P", "COMMIT WORK", "commit" },
        { "S", "END TRANSACTION", "commit" },
        { "P", "END", "commit" },
        { "P", "COMMIT AND CHAIN", "commit-chain" },
        { "P", "END AND CHAIN", "commit-chain" },
        { "P", "COMMIT AND NO CHAIN", "commit" },
        { "P", "ROLLBACK", "rollback" },
        { "P", "ROLLBACK AND CHAIN", "rollback-chain" },
        { "P", "ABORT", "rollback" },
        { "P", "ABORT WORK AND CHAIN", "rollback-chain" },
        { "P", "SAVEPOINT sp1", "savepoint sp1" },
        { "P", "SAVEPOINT \"Sp1\"", "savepoint Sp1" },
        { "P", "SAVEPOINT Sp1", "savepoint sp1" },
        { "S", "RELEASE SAVEPOINT sp1", "release sp1" },
        { "S", "RELEASE sp1", "release sp1" },
        { "P", "ROLLBACK TO SAVEPOINT sp1", "rollback-to sp1" },
        { "P", "ROLLBACK WORK TO sp1", "rollback-to sp1" },
        { "S", "ROLLBACK TRANSACTION TO sp1", "rollback-to sp1" },
        { "P", "PREPARE TRANSACTION 'tx1'", "prepare" },
        { "P", "COMMIT PREPARED 'tx1'", "commit-prepared" },
        { "P", "ROLLBACK PREPARED 'tx1'", "rollback-prepared" },
        { "P", "PREPARE q (int) AS DELETE FROM t WHERE id = $1", "read" },
        { "P", "EXECUTE q(1)", "db" },
        { "P", "COMMIT something unknown", "db tx?" },

        // Function calls: not provably read-only unless built in (SQLite) or read-only in pg_proc (PostgreSQL, decided later).
        { "P", "SELECT my_func(1)", "read calls=my_func" },
        { "P", "SELECT public.my_func(1)", "read calls=my_func" },
        { "P", "SELECT \"MyFunc\"(1)", "read calls=MyFunc" },
        { "P", "SELECT MyFunc(1)", "read calls=myfunc" },
        { "P", "SELECT count(*), coalesce(a, 0), CAST(b AS varchar(10)), b::numeric(10,2) FROM t", "read calls=count" },
        { "S", "SELECT count(*), lower(Title), substr(Title, 1, 2), COALESCE(a, 1) FROM Photo", "read" },
        { "S", "SELECT my_udf(Title) FROM Photo", "read calls=my_udf" },
        { "S", "SELECT main.my_udf(Title) FROM Photo", "read calls=my_udf" },
        { "S", "SELECT * FROM Photo WHERE Title REGEXP 'a.*'", "read calls=regexp" },
        { "S", "SELECT load_extension('x')", "read calls=load_extension" },
        { "S", "SELECT Cast(Id AS NVarChar(11)) FROM Photo", "read" },
        { "P", "SELECT * FROM generate_series(1, 3) AS g(n)", "read calls=generate_series" },
        { "P", "UPDATE photo SET title = upper(title) WHERE id = 1", "update photo calls=upper" },
        { "S", "INSERT INTO Photo (Id, Title) VALUES (1, my_udf('x'))", "insert Photo calls=my_udf" },
        { "P", "SELECT * FROM t TABLESAMPLE BERNOULLI (10)", "read" },
        { "P", "SELECT CURRENT_TIMESTAMP(3), EXTRACT(year FROM now())", "read calls=now" },
        { "P", "SELECT x FROM t WHERE x IN (1, 2) AND EXISTS (SELECT 1) AND NOT (x = 1)", "read" },
        { "P", "SELECT row_number() OVER (PARTITION BY a ORDER BY b) FROM t", "read calls=row_number" },
        { "G", "SELECT ISNULL(a, 0), DATEADD(day, 1, d) FROM t", "read" },
        { "G", "SELECT dbo.fn(1)", "read calls=fn" },

        // PostgreSQL operators and explicit casts run functions: other than standard spellings and types, the catalog decides.
        { "P", "SELECT 1 ==> 2", "read calls=operator ==>" },
        { "P", "SELECT a FROM t WHERE a@>b AND j->>'k' = 'v'", "read calls=operator @>,operator ->>" },
        { "P", "SELECT a FROM t WHERE a<=-1 AND b<>+2 AND c=-3 AND d*-4 > 0 AND e || 'x' = 'y' AND f != 1 AND g % 2 ^ 3 / 4 = 0", "read" },
        { "P", "SELECT a FROM t WHERE a @- 1", "read calls=operator @-" },
        { "P", "SELECT a FROM t WHERE a ~=- 1", "read calls=operator ~=-" },
        { "P", "SELECT a FROM t WHERE a +- 1", "read" },
        { "P", "SELECT 5::fn_loud, 6::public.Other, 7::\"Quoted\"", "read calls=::fn_loud,::other,::Quoted" },
        { "P", "SELECT CAST(5 AS fn_loud), CAST(f(1) AS text), CAST(6 AS double precision)", "read calls=f,::fn_loud" },
        { "P", "SELECT a::int[], b::timestamptz, c::character varying(3), d::jsonb FROM t", "read" },
        { "P", "UPDATE t SET a = b ==> c WHERE id = 1", "update t calls=operator ==>" },
        { "S", "SELECT a FROM t WHERE a == 1 AND b <> 2 AND c >> 1 = 0", "read" },

        // Upserts: row-precise when the conflict key is named and the values are parameters or literals.
        {
            "S",
            "INSERT INTO [XPhoto] AS [t1] ([Id], [UserId], [Title]) VALUES (@Id, @UserId, @Title) ON CONFLICT ([Id]) DO UPDATE SET [UserId] = @UserId, [Title] = @Title",
            "upsert XPhoto key=[Id] values=@Id"
        },
        {
            "P",
            "INSERT INTO \"XPhoto\" AS t1 (\"Id\", \"Title\") VALUES (1, 'b'), (-2, 'c') ON CONFLICT (\"Id\") DO UPDATE SET \"Title\" = 'c'",
            "upsert XPhoto key=\"Id\" values=1|-2"
        },
        { "P", "INSERT INTO t (a, b) VALUES (:a, :b) ON CONFLICT (a, b) DO UPDATE SET c = excluded.c", "upsert t key=a,b values=:a,:b" },
        { "P", "INSERT INTO t (a, b) VALUES (1, 2) ON CONFLICT DO NOTHING", "insert t" },
        { "P", "INSERT INTO t (a, b) VALUES (1, 2) ON CONFLICT (a) DO NOTHING", "insert t" },
        { "P", "INSERT INTO t (a, b) VALUES (1, 2) ON CONFLICT ON CONSTRAINT t_pk DO UPDATE SET b = 3", "table t" },
        { "P", "INSERT INTO t (a, b) SELECT a, b FROM u ON CONFLICT (a) DO UPDATE SET b = excluded.b", "table t" },
        { "P", "INSERT INTO t (a, b) VALUES (1, 2) ON CONFLICT (a) DO UPDATE SET a = excluded.a + 1", "table t" },
        { "P", "INSERT INTO t (a, b) VALUES (lower('x'), 2) ON CONFLICT (a) DO UPDATE SET b = 3", "table t calls=lower" },
        { "P", "INSERT INTO t (a, b) VALUES (1, 2) ON CONFLICT (a) WHERE b > 0 DO UPDATE SET b = 3", "upsert t key=a values=1" },
        { "P", "INSERT INTO t (b) VALUES (2) ON CONFLICT (a) DO UPDATE SET b = 3", "table t" },
        { "P", "INSERT INTO t (a, b) VALUES (1, 2) ON CONFLICT ((lower(a))) DO UPDATE SET b = 3", "table t calls=lower" },
        { "P", "INSERT INTO t (a, b) VALUES (1, 2) ON CONFLICT (a COLLATE \"C\") DO UPDATE SET b = 3", "table t" },
        { "S", "INSERT INTO t (a, b) VALUES (1, 2) ON CONFLICT (a) DO NOTHING ON CONFLICT (b) DO UPDATE SET c = 1", "upsert t key=b values=2" },
        { "S", "INSERT INTO t (a, b) VALUES (1, 2) ON CONFLICT (a) DO UPDATE SET c = 1 ON CONFLICT (b) DO UPDATE SET c = 2", "table t" },
        { "S", "INSERT OR REPLACE INTO Photo (Id, Title) VALUES (1, 'x')", "table Photo" },
        { "S", "REPLACE INTO Photo (Id, Title) VALUES (1, 'x')", "table Photo" },
        { "S", "INSERT OR IGNORE INTO t (a) VALUES (1)", "insert t" },
        { "P", "INSERT INTO t VALUES (1, 2)", "insert t" },
        { "P", "INSERT INTO t DEFAULT VALUES", "insert t" },
        { "P", "INSERT INTO t (a) VALUES (1) RETURNING a", "insert t returning" },

        // UPDATE and DELETE shapes.
        { "P", "UPDATE photo SET title = 'x' FROM users u WHERE u.id = photo.user_id", "update photo from" },
        { "P", "UPDATE photo SET title = 'x' WHERE CURRENT OF c", "update photo from" },
        { "S", "UPDATE OR REPLACE Photo SET Title = 'x' WHERE Id = 1", "table Photo" },
        { "S", "UPDATE OR IGNORE Photo SET Title = 'x' WHERE Id = 1", "update Photo" },
        { "P", "UPDATE photo SET (a, b) = (1, 2) WHERE id = 1", "update photo" },
        { "P", "DELETE FROM ONLY photo AS p USING users u WHERE p.user_id = u.id", "delete photo from" },
        { "P", "DELETE FROM photo WHERE id = 1 RETURNING *", "delete photo returning" },
        { "S", "UPDATE Photo SET Title = 'x' WHERE Id = 1 RETURNING Id", "update Photo returning" },
        { "P", "MERGE INTO photo p USING src s ON p.id = s.id WHEN MATCHED THEN DELETE", "table photo" },
        { "S", "DELETE Photo WHERE Id = 1", "db" },

        // Other statements.
        { "P", "SHOW search_path", "read" },
        { "P", "LISTEN chan", "read" },
        { "P", "NOTIFY chan, 'x'", "read" },
        { "P", "LOCK TABLE photo IN ACCESS EXCLUSIVE MODE", "read" },
        { "P", "DECLARE c CURSOR FOR SELECT * FROM photo", "read" },
        { "P", "DECLARE c CURSOR FOR SELECT f(x) FROM photo", "read calls=f" },
        { "P", "FETCH 10 FROM c", "read" },
        { "P", "TABLE photo", "read" },
        { "P", "VALUES (1), (2)", "read" },
        { "P", "(SELECT 1) UNION (SELECT 2)", "read" },
        { "P", "SELECT * FROM photo FOR UPDATE", "read" },
        { "P", "GRANT SELECT ON photo TO bob", "db" },
        { "P", "LOAD 'plugin'", "db" },
        { "P", "CLUSTER photo", "read" },
        { "P", "COMMENT ON TABLE photo IS 'x'", "read" },
        { "S", "REINDEX", "read" },
        { "G", "SELECT * FROM [Photo] WHERE [Id] = 1", "read" },
        { "S", "frobnicate the database", "db" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Classify_Statement_MatchesTable(string dialect, string sql, string expected)
    {
        var batch = SqlClassifier.ClassifyUncached(sql, Dialect(dialect));

        Assert.Equal(expected, Describe(batch));
        Assert.Same(SqlClassifier.Classify(sql, Dialect(dialect)), SqlClassifier.Classify(sql, Dialect(dialect)));
    }

    [Fact]
    public void Classify_LinqUpdate_FindsTableClauseAndWhere()
    {
        var s = Single("S", "UPDATE\n\t[Photo]\nSET\n\t[Title] = @Title\nWHERE\n\t[Photo].[Id] = @Id");

        Assert.Equal(SqlStatementKind.Update, s.Kind);
        Assert.Equal("[Photo]", s.TableClause);
        Assert.Equal("[Photo].[Id] = @Id", s.Where);
        Assert.False(s.HasFrom);
    }

    [Fact]
    public void Classify_AliasedUpdateWithTrailingComment_WhereStopsAtLastToken()
    {
        var s = Single("P", "UPDATE \"Photo\" AS t1 SET \"Title\" = :Title WHERE t1.\"Id\" = :Id -- trailing comment");

        Assert.Equal("\"Photo\" AS t1", s.TableClause);
        Assert.Equal("t1.\"Id\" = :Id", s.Where);
    }

    [Theory]
    [InlineData("DELETE FROM t WHERE id = 1 -- c", "DELETE FROM t WHERE id = 1")]
    [InlineData("DELETE FROM t WHERE id = 1 /* c */;", "DELETE FROM t WHERE id = 1")]
    [InlineData("  DELETE FROM t WHERE id = 1\n-- a\n-- b", "  DELETE FROM t WHERE id = 1")]
    public void Classify_TrailingComments_TextEndIsAfterTheLastToken(string sql, string before)
    {
        Assert.Equal(before.Length, Single("P", sql).TextEnd);
    }

    [Fact]
    public void Classify_UpdateWithWhereComment_KeepsInnerCommentsInWhere()
    {
        var s = Single("S", "UPDATE t SET a = 1 WHERE b = 2 -- inner\n AND c = 3 ORDER BY d LIMIT 1");

        Assert.Equal("b = 2 -- inner\n AND c = 3", s.Where);
    }

    [Fact]
    public void Classify_CteUpdate_KeepsTheWithClauseForThePreImage()
    {
        var s = Single("P", "WITH x AS (SELECT id FROM photo WHERE status = 2) UPDATE photo SET title = 'x' WHERE id IN (SELECT id FROM x)");

        Assert.Equal("WITH x AS (SELECT id FROM photo WHERE status = 2)", s.WithClause);
        Assert.Equal("id IN (SELECT id FROM x)", s.Where);
    }

    [Theory]
    [InlineData("S", "UPDATE t SET a = 1, [B] = @b WHERE id = 1", "a,B")]
    [InlineData("P", "UPDATE t AS x SET x.a = 1, \"B\" = $1 WHERE id = 1 RETURNING *", "a,B")]
    [InlineData("P", "UPDATE t SET (a, b) = (SELECT 1, 2), c = (SELECT max(d) FROM u WHERE u.e = 1) WHERE id = 1", "a,b,c")]
    [InlineData("P", "UPDATE t SET a = 1 FROM u WHERE t.id = u.id", "a")]
    [InlineData("S", "UPDATE t SET a = b = 1", "a")]
    [InlineData("P", "UPDATE t SET a[1] = 2 WHERE id = 1", null)]
    [InlineData("P", "UPDATE t SET (a, b) = ROW(1, 2)", "a,b")]
    public void Classify_Update_ReadsTheAssignedColumns(string dialect, string sql, string? expected)
    {
        var columns = Single(dialect, sql).AssignedColumns;

        Assert.Equal(expected, columns is null ? null : string.Join(",", columns));
    }

    [Fact]
    public void Tokenize_PostgresNestedComment_ProducesNoTokens()
    {
        var sql = SqlTokenizer.Tokenize("/* a /* b */ c */ SELECT", SqlDialect.PostgreSql);

        Assert.False(sql.Ambiguous);
        Assert.Equal(1, sql.Count);
        Assert.True(sql.IsWord(0, "SELECT"));
    }

    private static SqlStatement Single(string dialect, string sql) => Assert.Single(SqlClassifier.ClassifyUncached(sql, Dialect(dialect)).Statements);

    private static SqlDialect Dialect(string code) => code switch
    {
        "S" => SqlDialect.Sqlite,
        "P" => SqlDialect.PostgreSql,
        _ => SqlDialect.Generic,
    };

    private static string Describe(SqlBatch batch) => string.Join(" ; ", batch.Statements.Select(Describe));

    private static string Describe(SqlStatement s)
    {
        var parts = new List<string>
        {
            s.Kind switch
            {
                SqlStatementKind.ReadOnly => "read",
                SqlStatementKind.Insert => "insert",
                SqlStatementKind.Update => "update",
                SqlStatementKind.Delete => "delete",
                SqlStatementKind.Upsert => "upsert",
                SqlStatementKind.TableWrite => "table",
                SqlStatementKind.Ddl => "ddl",
                SqlStatementKind.DatabaseWrite => "db",
                SqlStatementKind.Begin => "begin",
                SqlStatementKind.Commit => "commit",
                SqlStatementKind.CommitAndChain => "commit-chain",
                SqlStatementKind.Rollback => "rollback",
                SqlStatementKind.RollbackAndChain => "rollback-chain",
                SqlStatementKind.Savepoint => "savepoint",
                SqlStatementKind.Release => "release",
                SqlStatementKind.RollbackToSavepoint => "rollback-to",
                SqlStatementKind.PrepareTransaction => "prepare",
                SqlStatementKind.CommitPrepared => "commit-prepared",
                _ => "rollback-prepared",
            },
        };
        if (s.Tables.Count > 0)
        {
            parts.Add(string.Join(",", s.Tables.Select(t => t.Schema is null ? t.Name : t.Schema + "." + t.Name)));
        }

        if (s.Savepoint is not null)
        {
            parts.Add(s.Savepoint);
        }

        if (s.Upsert is { } upsert)
        {
            parts.Add("key=" + string.Join(",", upsert.KeyColumnsSql));
            parts.Add("values=" + string.Join("|", upsert.KeyValues.Select(row => string.Join(",", row))));
        }

        if (s.HasFrom)
        {
            parts.Add("from");
        }

        if (s.HasReturning)
        {
            parts.Add("returning");
        }

        if (s.Calls.Count > 0)
        {
            parts.Add("calls=" + string.Join(",", s.Calls));
        }

        if (s.Sets != SessionEffect.None)
        {
            parts.Add("sets=" + s.Sets);
        }

        if (s.IsLocal)
        {
            parts.Add("local");
        }

        if (s.Resets != SessionEffect.None)
        {
            parts.Add("resets=" + s.Resets);
        }

        if (s.TransactionStateUnknown)
        {
            parts.Add("tx?");
        }

        return string.Join(" ", parts);
    }
}
