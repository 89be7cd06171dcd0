#!/usr/bin/env bash
# Packs every src/ project into artifacts/packages, then installs CacheBot.Linq2Db into a fresh console project OUTSIDE
# the repository with `dotnet add package` (from the local folder plus the usual NuGet source) and runs a program that
# caches one query on SQLite, writes, and checks that the write invalidated it. Exits non-zero on any failure.
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
cd "$work"
cat > nuget.config <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$packages" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
  </packageSources>
</configuration>
XML
dotnet new console --name Smoke --output Smoke --framework net10.0 --no-restore >/dev/null
cd Smoke
dotnet add package CacheBot.Linq2Db --version "$version" >/dev/null
dotnet add package Microsoft.Data.Sqlite --version 10.0.0 >/dev/null
cat > Program.cs <<'CS'
using CacheBot.Linq;
using CacheBot.Linq2Db;
using LinqToDB;
using LinqToDB.Data;
using LinqToDB.Mapping;

using var cache = new QueryCache(new QueryCacheOptions());
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

Console.WriteLine($"package smoke: cached, hit, invalidated (hits {cache.Statistics.Hits}, misses {cache.Statistics.Misses})");
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
