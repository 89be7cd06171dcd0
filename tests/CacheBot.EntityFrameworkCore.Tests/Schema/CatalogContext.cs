using Microsoft.EntityFrameworkCore;

namespace CacheBot.EntityFrameworkCore.Tests.Schema;

public sealed class CItem
{
    public int Id { get; set; }

    public string Name { get; set; } = "";

    public string Code { get; set; } = "";

    public int Qty { get; set; }
}

public sealed class CAudit
{
    public int Id { get; set; }

    public int ItemId { get; set; }
}

public sealed class CLog
{
    public int Id { get; set; }

    public int AuditId { get; set; }
}

public sealed class CParent
{
    public int Id { get; set; }

    public string Code { get; set; } = "";

    public string Label { get; set; } = "";
}

/// <summary>A child whose foreign keys (with actions) exist only in the database: the model declares no relationship.</summary>
public sealed class CChild
{
    public int Id { get; set; }

    public int? ParentId { get; set; }

    public string? ParentCode { get; set; }
}

/// <summary>A tag whose name is unique with <c>ON CONFLICT REPLACE</c> on SQLite: inserting a name deletes its old row.</summary>
public sealed class CTag
{
    public int Id { get; set; }

    public string Name { get; set; } = "";
}

/// <summary>A row of a view whose answer changes without any write (it reads the clock).</summary>
public sealed class CNow
{
    public int Id { get; set; }

    public string Stamp { get; set; } = "";
}

/// <summary>A row of a view over <see cref="CNow"/>'s view.</summary>
public sealed class CNowAgain
{
    public int Id { get; set; }
}

/// <summary>A row of a table with row-level security on PostgreSQL: what a connection sees depends on its session.</summary>
public sealed class CSecret
{
    public int Id { get; set; }

    public string Owner { get; set; } = "";
}

/// <summary>A row of the view "CActiveItems", which the model maps as if it were a table.</summary>
public sealed class CActiveItem
{
    public int Id { get; set; }

    public string Name { get; set; } = "";
}

/// <summary>
/// A model that says nothing of what the database holds beyond plain tables: the schema is made by hand
/// (<see cref="Ddl"/>) with a trigger, a view mapped as a table, and columns whose collation or type compares otherwise than
/// ordinally, as a database made before (or apart from) the model would.
/// </summary>
public sealed class CatalogContext(DbContextOptions<CatalogContext> options) : DbContext(options)
{
    public static string[] Ddl(bool postgres) => postgres
        ?
        [
            "CREATE COLLATION ci_test (provider = icu, locale = 'und-u-ks-level2', deterministic = false)",
            "CREATE TABLE \"CItem\" (\"Id\" serial PRIMARY KEY, \"Name\" text COLLATE ci_test NOT NULL, \"Code\" character(5) NOT NULL, \"Qty\" int NOT NULL)",
            "CREATE TABLE \"CAudit\" (\"Id\" serial PRIMARY KEY, \"ItemId\" int NOT NULL)",
            "CREATE TABLE \"CLog\" (\"Id\" serial PRIMARY KEY, \"AuditId\" int NOT NULL)",
            "CREATE FUNCTION citem_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO \"CAudit\" (\"ItemId\") VALUES (NEW.\"Id\"); RETURN NEW; END $$",
            "CREATE TRIGGER citem_audit AFTER UPDATE ON \"CItem\" FOR EACH ROW EXECUTE FUNCTION citem_audit()",
            "CREATE VIEW \"CActiveItems\" AS SELECT \"Id\", \"Name\" FROM \"CItem\" WHERE \"Qty\" > 0",
            "CREATE TABLE \"CParent\" (\"Id\" int PRIMARY KEY, \"Code\" text NOT NULL UNIQUE, \"Label\" text NOT NULL)",
            "CREATE TABLE \"CChild\" (\"Id\" serial PRIMARY KEY, \"ParentId\" int REFERENCES \"CParent\" (\"Id\") ON DELETE CASCADE, " +
            "\"ParentCode\" text REFERENCES \"CParent\" (\"Code\") ON UPDATE CASCADE ON DELETE SET NULL)",
            "CREATE TABLE \"CTag\" (\"Id\" int PRIMARY KEY, \"Name\" text NOT NULL)",
            "CREATE VIEW \"CNow\" AS SELECT 1 AS \"Id\", clock_timestamp()::text AS \"Stamp\"",
            "CREATE VIEW \"CNowAgain\" AS SELECT \"Id\" FROM \"CNow\"",
            "CREATE TABLE \"CSecret\" (\"Id\" int PRIMARY KEY, \"Owner\" text NOT NULL)",
            "ALTER TABLE \"CSecret\" ENABLE ROW LEVEL SECURITY",
            "ALTER TABLE \"CSecret\" FORCE ROW LEVEL SECURITY",
            "CREATE POLICY csecret_owner ON \"CSecret\" USING (\"Owner\" = current_setting('app.owner', true))",
        ]
        :
        [
            "CREATE TABLE \"CItem\" (\"Id\" INTEGER PRIMARY KEY AUTOINCREMENT, \"Name\" TEXT NOT NULL COLLATE NOCASE, \"Code\" TEXT COLLATE RTRIM NOT NULL, \"Qty\" INTEGER NOT NULL)",
            "CREATE TABLE \"CAudit\" (\"Id\" INTEGER PRIMARY KEY AUTOINCREMENT, \"ItemId\" INTEGER NOT NULL)",
            "CREATE TABLE \"CLog\" (\"Id\" INTEGER PRIMARY KEY AUTOINCREMENT, \"AuditId\" INTEGER NOT NULL)",
            "CREATE TRIGGER \"CItem_audit\" AFTER UPDATE ON \"CItem\" BEGIN INSERT INTO \"CAudit\" (\"ItemId\") VALUES (NEW.\"Id\"); END",
            "CREATE VIEW \"CActiveItems\" AS SELECT \"Id\", \"Name\" FROM \"CItem\" WHERE \"Qty\" > 0",
            "CREATE TABLE \"CParent\" (\"Id\" INTEGER PRIMARY KEY, \"Code\" TEXT NOT NULL UNIQUE, \"Label\" TEXT NOT NULL)",
            "CREATE TABLE \"CChild\" (\"Id\" INTEGER PRIMARY KEY AUTOINCREMENT, \"ParentId\" INTEGER REFERENCES \"cparent\" (\"Id\") ON DELETE CASCADE, " +
            "\"ParentCode\" TEXT REFERENCES \"CParent\" (\"Code\") ON UPDATE CASCADE ON DELETE SET NULL)",
            "CREATE TABLE \"CTag\" (\"Id\" INTEGER PRIMARY KEY, \"Name\" TEXT NOT NULL UNIQUE ON CONFLICT REPLACE)",
            "CREATE VIEW \"CNow\" AS SELECT 1 AS \"Id\", strftime('%Y-%m-%d %H:%M:%f', 'now') AS \"Stamp\"",
            "CREATE VIEW \"CNowAgain\" AS SELECT \"Id\" FROM \"CNow\"",
            "CREATE TABLE \"CSecret\" (\"Id\" INTEGER PRIMARY KEY, \"Owner\" TEXT NOT NULL)",
        ];

    /// <summary>The trigger a test creates later, through a CacheBot context: an insert into CAudit logs into CLog.</summary>
    public static string LaterTrigger(bool postgres) => postgres
        ? "CREATE FUNCTION caudit_log() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO \"CLog\" (\"AuditId\") VALUES (NEW.\"Id\"); RETURN NEW; END $$; " +
          "CREATE TRIGGER caudit_log AFTER INSERT ON \"CAudit\" FOR EACH ROW EXECUTE FUNCTION caudit_log()"
        : "CREATE TRIGGER \"CAudit_log\" AFTER INSERT ON \"CAudit\" BEGIN INSERT INTO \"CLog\" (\"AuditId\") VALUES (NEW.\"Id\"); END";

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<CItem>().ToTable("CItem");
        modelBuilder.Entity<CAudit>().ToTable("CAudit");
        modelBuilder.Entity<CLog>().ToTable("CLog");
        modelBuilder.Entity<CActiveItem>().ToTable("CActiveItems");
        modelBuilder.Entity<CParent>().ToTable("CParent").Property(p => p.Id).ValueGeneratedNever();
        modelBuilder.Entity<CChild>().ToTable("CChild");
        modelBuilder.Entity<CTag>().ToTable("CTag").Property(t => t.Id).ValueGeneratedNever();
        modelBuilder.Entity<CNow>().ToView("CNow");
        modelBuilder.Entity<CNowAgain>().ToTable("CNowAgain");
        modelBuilder.Entity<CSecret>().ToTable("CSecret").Property(t => t.Id).ValueGeneratedNever();
    }
}
