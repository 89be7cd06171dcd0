#!/usr/bin/env bash
# Packs every src/ project into artifacts/packages, then installs the packages into fresh console projects OUTSIDE the
# repository with `dotnet add package` (from the local folder plus the usual NuGet source) and runs programs that cache
# one query on SQLite, write, and check that the write invalidated it: CacheBot.Linq2Db (plus CacheBot.Redis, shared
# through the Redis at CACHEBOT_TEST_REDIS when that is set) and CacheBot.EntityFrameworkCore. Exits non-zero on any
# failure.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
packages="$repo_root/artifacts/packages"
version="$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$repo_root/src/Directory.Build.props" | head -n 1)"

rm -rf "$packages"
for project in "$repo_root"/src/*/*.csproj; do
    dotnet pack "$project" -c Release -o "$packages" --nologo -v quiet
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# The machine's global packages folder may hold an older CacheBot.* 0.1.0 from an earlier pack (same version, other
# contents): the smoke projects restore into their own folder, take CacheBot.* from the fresh packs only, and take
# everything else from the machine's folder (a package feed in the same layout) or nuget.org.
global_packages="$(dotnet nuget locals global-packages --list | sed -n 's/^global-packages: *//p')"
global_packages="${global_packages:-$work/none}"
mkdir -p "$global_packages"
export NUGET_PACKAGES="$work/nuget-packages"
cd "$work"
cat > nuget.config <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$packages" />
    <add key="machine" value="$global_packages" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
  </packageSources>
  <packageSourceMapping>
    <packageSource key="local">
      <package pattern="CacheBot.*" />
    </packageSource>
    <packageSource key="machine">
      <package pattern="*" />
    </packageSource>
    <packageSource key="nuget.org">
      <package pattern="*" />
    </packageSource>
  </packageSourceMapping>
</configuration>
XML
dotnet new console --name Smoke --output Smoke --framework net10.0 --no-restore >/dev/null
cd Smoke
dotnet add package CacheBot.Linq2Db --version "$version" >/dev/null
dotnet add package CacheBot.Redis --version "$version" >/dev/null
dotnet add package Microsoft.Data.Sqlite --version 10.0.0 >/dev/null
cat > Program.cs <<'CS'
using CacheBot.Linq;
using CacheBot.Linq2Db;
using CacheBot.Redis;
using LinqToDB;
using LinqToDB.Data;
using LinqToDB.Mapping;

var redis = Environment.GetEnvironmentVariable("CACHEBOT_TEST_REDIS");
using var cache = new QueryCache(string.IsNullOrEmpty(redis)
    ? new QueryCacheOptions()
    : new QueryCacheOptions().UseRedis(redis, r => r.KeyPrefix = "smoke:" + Guid.NewGuid().ToString("N") + ":"));
var options = new DataOptions().UseSQLite("Data Source=smoke;Mode=Memory;Cache=Shared").UseCacheBot(cache);
using var keepAlive = new DataConnection(options);
keepAlive.CreateTable<Item>();
keepAlive.Insert(new Item { Id = 1, Owner = 7, Name = "a" });

using var db = new DataConnection(options);
int Count() => db.GetTable<Item>().AsCacheBot().Cache().Count(i => i.Owner == 7);
var first = Count();
var second = Count();
db.Insert(new Item { Id = 2, Owner = 7, Name = "b" });
var third = Count();
if (first != 1 || second != 1 || third != 2 || cache.Statistics.Hits != 1)
{
    Console.WriteLine($"package smoke FAILED: counts {first}/{second}/{third}, hits {cache.Statistics.Hits}");
    return 1;
}

Console.WriteLine($"package smoke (linq2db{(string.IsNullOrEmpty(redis) ? "" : ", Redis " + redis)}): cached, hit, invalidated (hits {cache.Statistics.Hits}, misses {cache.Statistics.Misses})");
return 0;

[Table("Items")]
public sealed class Item
{
    [PrimaryKey] public int Id { get; set; }
    [Column] public int Owner { get; set; }
    [Column] public string Name { get; set; } = "";
}
CS
dotnet run -c Release

cd "$work"
dotnet new console --name SmokeEf --output SmokeEf --framework net10.0 --no-restore >/dev/null
cd SmokeEf
dotnet add package CacheBot.EntityFrameworkCore --version "$version" >/dev/null
dotnet add package Microsoft.EntityFrameworkCore.Sqlite --version 10.0.15 >/dev/null
cat > Program.cs <<'CS'
using CacheBot.EntityFrameworkCore;
using CacheBot.Linq;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

using var cache = new QueryCache(new QueryCacheOptions());
using var keepAlive = new SqliteConnection("Data Source=smokeef;Mode=Memory;Cache=Shared");
keepAlive.Open();
var options = new DbContextOptionsBuilder<Shop>().UseSqlite("Data Source=smokeef;Mode=Memory;Cache=Shared").UseCacheBot(cache).Options;
using (var setup = new Shop(options))
{
    setup.Database.EnsureCreated();
    setup.Items.Add(new Item { Id = 1, Owner = 7, Name = "a" });
    setup.SaveChanges();
}

using var db = new Shop(options);
int Count() => db.Items.AsCacheBot().Cache().Count(i => i.Owner == 7);
var first = Count();
var second = Count();
db.Items.Add(new Item { Id = 2, Owner = 7, Name = "b" });
db.SaveChanges();
var third = Count();
if (first != 1 || second != 1 || third != 2 || cache.Statistics.Hits != 1)
{
    Console.WriteLine($"package smoke (EF Core) FAILED: counts {first}/{second}/{third}, hits {cache.Statistics.Hits}");
    return 1;
}

Console.WriteLine($"package smoke (EF Core): cached, hit, invalidated (hits {cache.Statistics.Hits}, misses {cache.Statistics.Misses})");
return 0;

public sealed class Shop(DbContextOptions<Shop> options) : DbContext(options)
{
    public DbSet<Item> Items => Set<Item>();
}

public sealed class Item
{
    public int Id { get; set; }
    public int Owner { get; set; }
    public string Name { get; set; } = "";
}
CS
dotnet run -c Release
