using System.Diagnostics;
using System.Globalization;
using CacheBot.Linq.Tests.TestModel;

namespace CacheBot.Linq.Tests.Invalidation;

/// <summary>
/// "No stale read after a tracked write", as a model-based randomized test on LINQ-to-Objects: an in-memory database of
/// five tables, random copy-on-write writes reported through the Notify API (row inserts, updates with FK moves,
/// deletes, unreported bulk changes followed by table notifications, Invalidate, InvalidateAll, write scopes),
/// interleaved with random cached queries over 26 shapes. Every cached answer is compared with the same query run on
/// the live rows. Set CACHEBOT_SEED to replay a run; the seed is printed and included in every failure message.
/// </summary>
public sealed class ModelBasedTests
{
    private static readonly int Operations = Environment.GetEnvironmentVariable("CACHEBOT_OPS") is { Length: > 0 } ops
        ? int.Parse(ops, CultureInfo.InvariantCulture)
        : 22_000;
    private const int ChecksAfterWrite = 2;

    private static readonly string[] UserNames = ["alice", "bob", "carol", "david", "erin"];
    private static readonly string[] Titles = ["a", "b", "c", "d"];
    private static readonly string[] TagNames = ["sun", "sea", "cat", "dog"];

    [Fact]
    public void RandomWritesAndCachedQueries_EveryAnswerEqualsTheLiveAnswer()
    {
        var seed = Environment.GetEnvironmentVariable("CACHEBOT_SEED") is { Length: > 0 } fixedSeed
            ? int.Parse(fixedSeed, CultureInfo.InvariantCulture)
            : Random.Shared.Next();
        var output = TestContext.Current.TestOutputHelper;
        output?.WriteLine($"seed {seed} (replay with CACHEBOT_SEED={seed})");
        var run = new Run(seed);
        var stopwatch = Stopwatch.StartNew();
        run.Execute(Operations);
        stopwatch.Stop();

        var stats = run.Db.Cache.Statistics;
        var precision = run.Invalidated == 0 ? 1.0 : (double)run.Changed / run.Invalidated;
        output?.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{Operations} operations ({run.Writes} writes, {run.Queries} cached queries checked, {run.Pool.Count} distinct query instances) in {stopwatch.ElapsedMilliseconds} ms"));
        output?.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"hits {stats.Hits}, misses {stats.Misses}, bypasses {stats.Bypasses}, hit ratio {stats.HitRatio:P1}"));
        output?.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"precision {precision:P1}: {run.Changed} of {run.Invalidated} re-run entries had really changed"));
        output?.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"time in cached runs {Stopwatch.GetElapsedTime(0, run.CachedTicks).TotalMilliseconds:F0} ms, live runs {Stopwatch.GetElapsedTime(0, run.LiveTicks).TotalMilliseconds:F0} ms, comparisons {Stopwatch.GetElapsedTime(0, run.CanonicalTicks).TotalMilliseconds:F0} ms"));
        output?.WriteLine("stale reads 0");

        Assert.True(run.Queries >= Operations, "too few queries were checked");
        Assert.True(stats.Hits > 0 && stats.Misses > 0, "the run neither hit nor missed: the test exercises nothing");
        Assert.Equal(0, stats.Bypasses);
        Assert.True(run.Changed > 0 && run.Invalidated > run.Changed, "precision was not measured");
    }

    private sealed record Instance(string Id, bool TrackPrecision, Func<bool, object?> Execute);

    private sealed class Run
    {
        private readonly Random _rng;
        private readonly int _seed;
        private readonly Dictionary<string, string> _lastAnswer = [];
        private readonly Queue<string> _recent = new();
        private readonly List<Func<Instance>> _shapes;
        private readonly Dictionary<Type, int> _nextId = [];
        private int _operation;

        public Run(int seed)
        {
            _seed = seed;
            _rng = new Random(seed);
            Db = new TestDb(seed: false, wireUserPhotos: false, interpreted: true);
            Seed();
            _shapes = BuildShapes();
        }

        public TestDb Db { get; }

        public Dictionary<string, Instance> Pool { get; } = [];

        public List<string> PoolIds { get; } = [];

        public int Writes { get; private set; }

        public int Queries { get; private set; }

        public long Invalidated { get; private set; }

        public long Changed { get; private set; }

        public long CachedTicks { get; private set; }

        public long LiveTicks { get; private set; }

        public long CanonicalTicks { get; private set; }

        public void Execute(int operations)
        {
            using (Db)
            {
                for (_operation = 0; _operation < operations; _operation++)
                {
                    if (_rng.Next(100) < 80)
                    {
                        var instance = _shapes[_rng.Next(_shapes.Count)]();
                        if (Pool.TryAdd(instance.Id, instance))
                        {
                            PoolIds.Add(instance.Id);
                        }

                        Check(Pool[instance.Id]);
                    }
                    else
                    {
                        Write();
                        Writes++;
                        for (var i = 0; i < ChecksAfterWrite && PoolIds.Count > 0; i++)
                        {
                            Check(Pool[PoolIds[_rng.Next(PoolIds.Count)]]);
                        }
                    }
                }

                // Finally every query instance ever run must still answer correctly.
                foreach (var id in PoolIds)
                {
                    Check(Pool[id]);
                }
            }
        }

        private void Check(Instance instance)
        {
            Queries++;
            object? cached = null;
            var t0 = Stopwatch.GetTimestamp();
            var outcome = Db.Measure(() => cached = instance.Execute(true));
            var t1 = Stopwatch.GetTimestamp();
            var fresh = instance.Execute(false);
            var t2 = Stopwatch.GetTimestamp();
            var answer = Canonical.Of(cached);
            var live = Canonical.Of(fresh);
            CachedTicks += t1 - t0;
            LiveTicks += t2 - t1;
            CanonicalTicks += Stopwatch.GetTimestamp() - t2;
            if (answer != live)
            {
                Assert.Fail(
                    $"Stale read (seed {_seed}, operation {_operation}, {outcome}) for {instance.Id}:\n cached {answer}\n live   {live}\n" +
                    $"recent operations:\n  {string.Join("\n  ", _recent)}");
            }

            if (outcome is not (Outcome.Hit or Outcome.Miss))
            {
                Assert.Fail($"{instance.Id} was not cached ({outcome}), seed {_seed}");
            }

            if (instance.TrackPrecision)
            {
                if (outcome == Outcome.Miss && _lastAnswer.TryGetValue(instance.Id, out var previous))
                {
                    Invalidated++;
                    if (previous != answer)
                    {
                        Changed++;
                    }
                }

                _lastAnswer[instance.Id] = answer;
            }
        }

        private void Log(string what)
        {
            _recent.Enqueue(_operation + ": " + what);
            if (_recent.Count > 30)
            {
                _recent.Dequeue();
            }
        }

        // ---------------------------------------------------------------- data

        private int NextId<T>()
        {
            var id = _nextId.GetValueOrDefault(typeof(T)) + 1;
            _nextId[typeof(T)] = id;
            return id;
        }

        private T Pick<T>(IReadOnlyList<T> items) => items[_rng.Next(items.Count)];

        private int AnyUserId() => Pick(Db.UserRows).Id;

        private int? AnyAlbum() => _rng.Next(4) is var a && a == 0 ? null : a;

        private Photo NewPhoto() => new()
        {
            Id = NextId<Photo>(),
            UserId = AnyUserId(),
            Status = _rng.Next(3),
            Title = Pick(Titles),
            AlbumId = AnyAlbum(),
            Kind = (PhotoKind)_rng.Next(3),
            IsPublic = _rng.Next(2) == 0,
            Likes = _rng.Next(11) * 10,
        };

        private void Seed()
        {
            for (var i = 0; i < 6; i++)
            {
                Db.UserRows.Add(new User { Id = NextId<User>(), Name = Pick(UserNames), Age = 20 + _rng.Next(3), IsActive = _rng.Next(2) == 0 });
            }

            for (var i = 0; i < 30; i++)
            {
                Db.PhotoRows.Add(NewPhoto());
            }

            for (var i = 0; i < 30; i++)
            {
                Db.TagRows.Add(new Tag { Id = NextId<Tag>(), PhotoId = Pick(Db.PhotoRows).Id, Name = Pick(TagNames) });
            }

            for (var i = 0; i < 12; i++)
            {
                Db.MessageRows.Add(new Message { Id = NextId<Message>(), SenderId = AnyUserId(), Text = Pick(Titles), IsRead = _rng.Next(2) == 0 });
            }

            for (var i = 0; i < 15; i++)
            {
                Db.CommentRows.Add(new Comment { Id = NextId<Comment>(), MessageId = Pick(Db.MessageRows).Id, Text = Pick(Titles) });
            }

            Db.Rewire();
        }

        private void Write()
        {
            var roll = _rng.Next(100);
            switch (roll)
            {
                case < 30:
                    PhotoWrite();
                    break;
                case < 42:
                    UserWrite();
                    break;
                case < 57:
                    TagWrite();
                    break;
                case < 69:
                    MessageWrite();
                    break;
                case < 79:
                    CommentWrite();
                    break;
                case < 86:
                    BulkWrite();
                    break;
                case < 92:
                    InvalidateOne();
                    break;
                case < 98:
                    using (var scope = Db.Cache.BeginWriteScope())
                    {
                        Log("scope begin");
                        PhotoWrite();
                        TagWrite();
                        scope.Complete();
                    }

                    Log("scope complete");
                    break;
                default:
                    Db.Cache.InvalidateAll();
                    Log("InvalidateAll");
                    break;
            }
        }

        private void PhotoWrite()
        {
            var kind = Db.PhotoRows.Count < 15 ? 0 : _rng.Next(10);
            if (kind == 0 || Db.PhotoRows.Count == 0)
            {
                var photo = Db.Insert(NewPhoto());
                Log("insert photo " + Canonical.Of(photo));
            }
            else if (kind == 1 && Db.PhotoRows.Count > 15)
            {
                var id = Pick(Db.PhotoRows).Id;
                Log("delete photo " + Canonical.Of(Db.Delete<Photo>(p => p.Id == id)));
            }
            else
            {
                var id = Pick(Db.PhotoRows).Id;
                var changes = 1 + _rng.Next(2);
                var (before, after) = Db.Update<Photo>(p => p.Id == id, p =>
                {
                    for (var i = 0; i < changes; i++)
                    {
                        switch (_rng.Next(7))
                        {
                            case 0: p.UserId = AnyUserId(); break;
                            case 1: p.Status = _rng.Next(3); break;
                            case 2: p.Title = Pick(Titles); break;
                            case 3: p.AlbumId = AnyAlbum(); break;
                            case 4: p.Kind = (PhotoKind)_rng.Next(3); break;
                            case 5: p.IsPublic = !p.IsPublic; break;
                            default: p.Likes = _rng.Next(11) * 10; break;
                        }
                    }
                });
                Log("update photo " + Canonical.Of(before) + " -> " + Canonical.Of(after));
            }
        }

        private void UserWrite()
        {
            var kind = _rng.Next(8);
            if (kind == 0 && Db.UserRows.Count < 9)
            {
                var user = Db.Insert(new User { Id = NextId<User>(), Name = Pick(UserNames), Age = 20 + _rng.Next(3), IsActive = _rng.Next(2) == 0 });
                Log("insert user " + Canonical.Of(user));
            }
            else if (kind == 1 && Db.UserRows.Count > 3)
            {
                var unreferenced = Db.UserRows.Where(u => !Db.PhotoRows.Any(p => p.UserId == u.Id) && !Db.MessageRows.Any(m => m.SenderId == u.Id)).ToList();
                if (unreferenced.Count > 0)
                {
                    var id = Pick(unreferenced).Id;
                    Log("delete user " + Canonical.Of(Db.Delete<User>(u => u.Id == id)));
                }
            }
            else
            {
                var id = AnyUserId();
                var (before, after) = Db.Update<User>(u => u.Id == id, u =>
                {
                    switch (_rng.Next(3))
                    {
                        case 0: u.Name = Pick(UserNames); break;
                        case 1: u.IsActive = !u.IsActive; break;
                        default: u.Age = 20 + _rng.Next(3); break;
                    }
                });
                Log("update user " + Canonical.Of(before) + " -> " + Canonical.Of(after));
            }
        }

        private void TagWrite()
        {
            var kind = _rng.Next(6);
            if (kind == 0 || Db.TagRows.Count < 10)
            {
                var tag = Db.Insert(new Tag { Id = NextId<Tag>(), PhotoId = Pick(Db.PhotoRows).Id, Name = Pick(TagNames) });
                Log("insert tag " + Canonical.Of(tag));
            }
            else if (kind == 1)
            {
                var id = Pick(Db.TagRows).Id;
                Log("delete tag " + Canonical.Of(Db.Delete<Tag>(t => t.Id == id)));
            }
            else
            {
                var id = Pick(Db.TagRows).Id;
                var (before, after) = Db.Update<Tag>(t => t.Id == id, t =>
                {
                    if (_rng.Next(2) == 0)
                    {
                        t.Name = Pick(TagNames);
                    }
                    else
                    {
                        t.PhotoId = Pick(Db.PhotoRows).Id;
                    }
                });
                Log("update tag " + Canonical.Of(before) + " -> " + Canonical.Of(after));
            }
        }

        private void MessageWrite()
        {
            var kind = _rng.Next(6);
            if (kind == 0 || Db.MessageRows.Count < 5)
            {
                var message = Db.Insert(new Message { Id = NextId<Message>(), SenderId = AnyUserId(), Text = Pick(Titles), IsRead = _rng.Next(2) == 0 });
                Log("insert message " + Canonical.Of(message));
            }
            else if (kind == 1)
            {
                var unreferenced = Db.MessageRows.Where(m => !Db.CommentRows.Any(c => c.MessageId == m.Id)).ToList();
                if (unreferenced.Count > 0)
                {
                    var id = Pick(unreferenced).Id;
                    Log("delete message " + Canonical.Of(Db.Delete<Message>(m => m.Id == id)));
                }
            }
            else
            {
                var id = Pick(Db.MessageRows).Id;
                var (before, after) = Db.Update<Message>(m => m.Id == id, m =>
                {
                    switch (_rng.Next(3))
                    {
                        case 0: m.SenderId = AnyUserId(); break;
                        case 1: m.IsRead = !m.IsRead; break;
                        default: m.Text = Pick(Titles); break;
                    }
                });
                Log("update message " + Canonical.Of(before) + " -> " + Canonical.Of(after));
            }
        }

        private void CommentWrite()
        {
            var kind = _rng.Next(5);
            if (kind == 0 || Db.CommentRows.Count < 5)
            {
                var comment = Db.Insert(new Comment { Id = NextId<Comment>(), MessageId = Pick(Db.MessageRows).Id, Text = Pick(Titles) });
                Log("insert comment " + Canonical.Of(comment));
            }
            else if (kind == 1)
            {
                var id = Pick(Db.CommentRows).Id;
                Log("delete comment " + Canonical.Of(Db.Delete<Comment>(c => c.Id == id)));
            }
            else
            {
                var id = Pick(Db.CommentRows).Id;
                var (before, after) = Db.Update<Comment>(c => c.Id == id, c =>
                {
                    if (_rng.Next(2) == 0)
                    {
                        c.MessageId = Pick(Db.MessageRows).Id;
                    }
                    else
                    {
                        c.Text = Pick(Titles);
                    }
                });
                Log("update comment " + Canonical.Of(before) + " -> " + Canonical.Of(after));
            }
        }

        /// <summary>An unreported bulk change (a set-based statement), then a table notification.</summary>
        private void BulkWrite()
        {
            switch (_rng.Next(3))
            {
                case 0:
                {
                    var status = _rng.Next(3);
                    var to = _rng.Next(3);
                    Db.Silently<Photo>(p => p.Status == status, p => p.Status = to);
                    Db.Cache.NotifyTableChanged("Photos");
                    Log($"bulk photos status {status} -> {to}, NotifyTableChanged(\"Photos\")");
                    break;
                }

                case 1:
                {
                    var age = 20 + _rng.Next(3);
                    Db.Silently<User>(u => u.Age == age, u => u.IsActive = !u.IsActive);
                    Db.Cache.NotifyTableChanged<User>();
                    Log($"bulk users age {age} toggle active, NotifyTableChanged<User>()");
                    break;
                }

                default:
                {
                    var name = Pick(TagNames);
                    var to = Pick(TagNames);
                    Db.Silently<Tag>(t => t.Name == name, t => t.Name = to);
                    Db.Cache.InvalidateTable<Tag>();
                    Log($"bulk tags {name} -> {to}, InvalidateTable<Tag>()");
                    break;
                }
            }
        }

        private void InvalidateOne()
        {
            switch (_rng.Next(3))
            {
                case 0:
                    Db.Cache.Invalidate(Pick(Db.PhotoRows));
                    break;
                case 1:
                    Db.Cache.Invalidate(Pick(Db.UserRows));
                    break;
                default:
                    Db.Cache.Invalidate(Pick(Db.TagRows));
                    break;
            }

            Log("Invalidate(entity)");
        }

        // ---------------------------------------------------------------- queries

        private IQueryable<T> Source<T>(bool cached) => cached ? Db.Root<T>().Cache() : Db.Raw<T>();

        private IQueryable<T> GetSource<T>(bool cached) => cached ? Db.Root<T>() : Db.Raw<T>();

        private static Instance Make(string id, Func<bool, object?> execute, bool trackPrecision = true) => new(id, trackPrecision, execute);

        private int User() => 1 + _rng.Next(5);

        private List<Func<Instance>> BuildShapes() =>
        [
            () =>
            {
                var u = User();
                return Make($"eq u={u}", c => Source<Photo>(c).Where(p => p.UserId == u).ToList());
            },
            () =>
            {
                var (u, s) = (User(), _rng.Next(3));
                return Make($"conj u={u} s={s}", c => Source<Photo>(c).Where(p => p.UserId == u && p.Status == s).ToList());
            },
            () =>
            {
                var (s, t) = (_rng.Next(3), Pick(Titles));
#pragma warning disable CA1309 // Equals(string) is the rule under test.
                return Make($"reversed-equals s={s} t={t}", c => Source<Photo>(c).Where(p => s == p.Status && p.Title.Equals(t)).ToList());
#pragma warning restore CA1309
            },
            () =>
            {
                var a = AnyAlbum();
                return Make($"nullable a={a}", c => Source<Photo>(c).Where(p => p.AlbumId == a).Select(p => p.Id).ToList());
            },
            () =>
            {
                var (k, pub) = ((PhotoKind)_rng.Next(3), _rng.Next(2) == 0);
                return pub
                    ? Make($"enum-bool k={k} public", c => Source<Photo>(c).Where(p => p.Kind == k && p.IsPublic).ToList())
                    : Make($"enum-bool k={k} private", c => Source<Photo>(c).Where(p => !p.IsPublic && p.Kind == k).ToList());
            },
            () =>
            {
                int[] ids = [User(), User()];
                return Make($"in-array {ids[0]},{ids[1]}", c => Source<Photo>(c).Where(p => ids.Contains(p.UserId)).ToList());
            },
            () =>
            {
                List<int> statuses = _rng.Next(2) == 0 ? [0, 1] : [2];
                var u = User();
                return Make($"in-list u={u} s={string.Join(',', statuses)}", c => Source<Photo>(c).Where(p => statuses.Contains(p.Status) && p.UserId == u).ToList());
            },
            () =>
            {
                HashSet<int> senders = [User(), User()];
                return Make($"in-hashset {string.Join(',', senders.Order())}", c => Source<Message>(c).Where(m => senders.Contains(m.SenderId)).ToList());
            },
            () =>
            {
                var u = User();
                return Make($"not-equal u={u}", c => Source<Photo>(c).Where(p => p.UserId != u).Select(p => p.Id).ToList());
            },
            () =>
            {
                List<int> ids = [User(), User()];
                return Make($"not-in {ids[0]},{ids[1]}", c => Source<Photo>(c).Where(p => !ids.Contains(p.UserId) && p.IsPublic).ToList());
            },
            () =>
            {
                var (n, s) = (_rng.Next(11) * 10, _rng.Next(3));
                return Make($"range n={n} s={s}", c => Source<Photo>(c).Where(p => p.Likes > n && p.Status == s).ToList());
            },
            () =>
            {
                var (u, s) = (User(), _rng.Next(3));
                return Make($"or u={u} s={s}", c => Source<Photo>(c).Where(p => p.UserId == u || p.Status == s).ToList());
            },
            () =>
            {
                var n = Pick(UserNames);
                return Make($"navigation name={n}", c => Source<Photo>(c).Where(p => p.User.Name == n).ToList());
            },
            () =>
            {
                var u = User();
                return Make($"deep-navigation sender={u}", c => Source<Comment>(c).Where(x => x.Message.Sender.Id == u).ToList());
            },
            () =>
            {
                var u = User();

                // LINQ-to-Objects compares references: the live user object is captured at run time (same for both runs).
                return Make(
                    $"entity u={u}",
                    c =>
                    {
                        var user = Db.UserRows.Find(x => x.Id == u); // null once deleted: p.User == null then
                        return Source<Photo>(c).Where(p => p.User == user).ToList();
                    },
                    trackPrecision: false);
            },
            () =>
            {
                var s = _rng.Next(3);
                return Make(
                    $"join s={s}",
                    c => Source<Photo>(c).Where(p => p.Status == s).Join(Db.RawUsers, p => p.UserId, u => u.Id, (p, u) => new { p.Id, u.Name }).ToList());
            },
            () => Make(
                "groupjoin",
                c => Source<User>(c).GroupJoin(Db.RawPhotos, u => u.Id, p => p.UserId, (u, ps) => new { u.Id, Count = ps.Count() }).ToList()),
            () =>
            {
                var n = Pick(TagNames);
                return Make($"any-collection tag={n}", c => Source<Photo>(c).Where(p => p.Tags.Any(t => t.Name == n)).Select(p => p.Id).ToList());
            },
            () =>
            {
                var s = _rng.Next(3);
                return Make($"any-table s={s}", c => Source<Photo>(c).Where(p => p.Status == s && Db.RawUsers.Any(u => u.Id == p.UserId && u.IsActive)).ToList());
            },
            () =>
            {
                var u = User();
                return Make($"selectmany u={u}", c => Source<Photo>(c).Where(p => p.UserId == u).SelectMany(p => p.Tags, (p, t) => new { p.Id, t.Name }).ToList());
            },
            () =>
            {
                var s = _rng.Next(3);
                return Make($"count s={s}", c => Source<Photo>(c).Count(p => p.Status == s));
            },
            () =>
            {
                var u = User();
                return Make($"any u={u}", c => Source<Photo>(c).Any(p => p.UserId == u && p.IsPublic));
            },
            () =>
            {
                var u = User();
                return Make($"sum u={u}", c => Source<Photo>(c).Where(p => p.UserId == u).Sum(p => p.Likes));
            },
            () =>
            {
                var s = _rng.Next(3);
                return Make($"max s={s}", c => Source<Photo>(c).Where(p => p.Status == s).Select(p => (int?)p.Likes).Max());
            },
            () =>
            {
                var u = User();
                return Make($"projection u={u}", c => Source<Photo>(c).Where(p => p.UserId == u).Select(p => p.Title).ToList());
            },
            () =>
            {
                var s = _rng.Next(3);
                return Make($"projection-navigation s={s}", c => Source<Photo>(c).Where(p => p.Status == s).Select(p => new { p.Id, Owner = p.User.Name }).ToList());
            },
            () =>
            {
                var id = 1 + _rng.Next(30);
                return _rng.Next(2) == 0
                    ? Make($"get-first id={id}", c => GetSource<Photo>(c).FirstOrDefault(p => p.Id == id))
                    : Make($"get-single id={id}", c => GetSource<Photo>(c).Where(p => p.Id == id).SingleOrDefault());
            },
            () =>
            {
                var n = Pick(UserNames);
                return Make($"get-user name={n}", c => GetSource<User>(c).FirstOrDefault(u => u.Name == n));
            },
            () =>
            {
                var s = _rng.Next(3);
                return Make($"take s={s}", c => Source<Photo>(c).OrderBy(p => p.Id).Take(8).Where(p => p.Status == s).ToList());
            },
            () =>
            {
                var (u, s) = (User(), _rng.Next(3));
                return Make(
                    $"cache-path u={u} s={s}",
                    c => (c ? Db.Root<Photo>().Cache(p => p.User) : Db.Raw<Photo>()).Where(p => p.UserId == u && p.Status == s).ToList());
            },
            () =>
            {
                var u = User();
                return Make($"messages u={u}", c => Source<Message>(c).Where(m => m.SenderId == u && !m.IsRead).Select(m => new { m.Id, m.Text }).ToList());
            },
        ];
    }
}
