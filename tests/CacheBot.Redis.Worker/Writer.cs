using System.Diagnostics;
using CacheBot.Linq2Db;
using LinqToDB;
using LinqToDB.Async;
using LinqToDB.Data;

namespace CacheBot.Redis.Worker;

/// <summary>A committed write: the version its transaction took, the rows it touched, and when its commit returned.</summary>
public sealed record WriteEntry(long Version, string[] Keys, long CommittedAt);

/// <summary>
/// Random writes through every linq2db write path CacheBot tracks, each in a transaction that first takes the next
/// version from RCounter (so versions commit in order) and stamps every row it writes with it; some roll back.
/// </summary>
public sealed class Writer(Random random, int workerIndex)
{
    private const string NextVersion = "UPDATE \"RCounter\" SET \"Value\" = \"Value\" + 1 WHERE \"Id\" = 1 RETURNING \"Value\"";
    private int _inserted;

    /// <summary>A photo id to write: skewed to small (hot) ids, sometimes one this worker inserted.</summary>
    public int PickPhoto() => _inserted > 0 && random.Next(4) == 0
        ? OwnPhoto(1 + random.Next(_inserted))
        : 1 + (int)(Math.Pow(random.NextDouble(), 3) * Schema.SeedPhotos);

    private int OwnPhoto(int n) => ((workerIndex + 1) * 1_000_000) + n;

    /// <summary>Runs one transaction; returns its entry, or <see langword="null"/> when it rolled back.</summary>
    public async Task<WriteEntry?> RunAsync(DataConnection db, CancellationToken ct)
    {
        var rollback = random.Next(12) == 0;
        var count = random.Next(6) == 0 ? 2 + random.Next(2) : 1;
        await using var tx = await db.BeginTransactionAsync(ct);
        var version = await db.ExecuteAsync<long>(NextVersion, ct);
        var keys = new List<string>();
        for (var i = 0; i < count; i++)
        {
            await OneAsync(db, version, keys, ct);
        }

        if (rollback)
        {
            await tx.RollbackAsync(ct);
            return null;
        }

        if (random.Next(2) == 0)
        {
            await tx.CommitAsync(ct);
        }
        else
        {
            tx.Commit();
        }

        return new WriteEntry(version, [.. keys.Distinct()], Stopwatch.GetTimestamp());
    }

    private async Task OneAsync(DataConnection db, long v, List<string> keys, CancellationToken ct)
    {
        switch (random.Next(11))
        {
            case 0:
            case 1:
            {
                var id = PickPhoto();
                if (await db.GetTable<RPhoto>().FirstOrDefaultAsync(x => x.Id == id, ct) is { } photo)
                {
                    switch (random.Next(5))
                    {
                        case 0: photo.UserId = random.Next(Schema.Users); break;
                        case 1: photo.Status = random.Next(4); break;
                        case 2: photo.Title = "t" + random.Next(100); break;
                        case 3: photo.AlbumId = random.Next(4) == 0 ? null : random.Next(3); break;
                        default: photo.IsPublic = !photo.IsPublic; break;
                    }

                    photo.Version = v;
                    if (random.Next(2) == 0)
                    {
                        db.Update(photo);
                    }
                    else
                    {
                        await db.UpdateAsync(photo, token: ct);
                    }

                    keys.Add("P:" + id);
                }

                break;
            }

            case 2:
            {
                var id = OwnPhoto(++_inserted);
                db.Insert(Schema.NewPhoto(random, id, v));
                keys.Add("P:" + id);
                break;
            }

            case 3:
            {
                var id = PickPhoto();
                var deleted = random.Next(2) == 0
                    ? db.Delete(new RPhoto { Id = id })
                    : await db.GetTable<RPhoto>().Where(x => x.Id == id).DeleteAsync(ct);
                if (deleted > 0)
                {
                    keys.Add("P:" + id);
                }

                break;
            }

            case 4:
            {
                var (u, s) = (random.Next(Schema.Users), random.Next(4));
                await db.GetTable<RPhoto>().Where(x => x.UserId == u && x.Id % 3 == 0).Set(x => x.Status, s).Set(x => x.Version, v).UpdateAsync(ct);
                keys.AddRange(db.GetTable<RPhoto>().Where(x => x.Version == v).Select(x => x.Id).ToList().Select(id => "P:" + id));
                break;
            }

            case 5:
            {
                var id = PickPhoto();
                var changed = db.Execute(
                    "UPDATE \"RPhoto\" SET \"Title\" = @title, \"Status\" = @status, \"Version\" = @version WHERE \"Id\" = @id",
                    new DataParameter("title", "raw" + random.Next(50)),
                    new DataParameter("status", random.Next(4)),
                    new DataParameter("version", v),
                    new DataParameter("id", id));
                if (changed > 0)
                {
                    keys.Add("P:" + id);
                }

                break;
            }

            case 6:
            {
                var rows = Enumerable.Range(0, 1 + random.Next(3)).Select(_ => Schema.NewPhoto(random, OwnPhoto(++_inserted), v)).ToList();
                db.BulkCopy(new BulkCopyOptions { BulkCopyType = BulkCopyType.MultipleRows }, rows);
                keys.AddRange(rows.Select(r => "P:" + r.Id));
                break;
            }

            case 7:
            {
                var u = random.Next(Schema.Users);
                db.Update(new RUser { Id = u, Name = Schema.Names[random.Next(Schema.Names.Length)], Level = random.Next(3), Version = v });
                keys.Add("U:" + u);
                break;
            }

            case 8:
            {
                var tag = db.InsertWithInt32Identity(new RTag { PhotoId = PickPhoto(), Name = Schema.TagNames[random.Next(Schema.TagNames.Length)], Version = v });
                keys.Add("T:" + tag);
                break;
            }

            case 9:
            {
                var name = Schema.TagNames[random.Next(Schema.TagNames.Length)];
                var pick = random.Next(5);
                db.GetTable<RTag>().Where(t => t.PhotoId % 5 == pick).Take(1).Set(t => t.Name, name).Set(t => t.Version, v).Update();
                keys.AddRange(db.GetTable<RTag>().Where(t => t.Version == v).Select(t => t.Id).ToList().Select(id => "T:" + id));
                break;
            }

            default:
            {
                var photo = PickPhoto();
                var ids = db.GetTable<RTag>().Where(t => t.PhotoId == photo).Select(t => t.Id).ToList();
                db.GetTable<RTag>().AsCacheBot().Where(t => t.PhotoId == photo).Delete();
                keys.AddRange(ids.Select(id => "T:" + id));
                break;
            }
        }
    }
}
