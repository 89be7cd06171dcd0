using CacheBot.EntityFrameworkCore.Infrastructure;
using CacheBot.EntityFrameworkCore.Transactions;
using CacheBot.Linq.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CacheBot.EntityFrameworkCore.Writes;

/// <summary>
/// Invalidates what <c>SaveChanges</c> writes, with row images from the change tracker (no extra query): old images are
/// captured in <c>SavingChanges</c> (after EF's cascades are computed), new images in <c>SavedChanges</c> (when
/// store-generated values are known). In autocommit the writes are announced before the save and applied after it (EF
/// commits its own transaction before <c>SavedChanges</c>); inside a transaction of the context they wait for its commit.
/// </summary>
/// <remarks>
/// A failed or canceled save may have written (no transaction, or a commit that failed): its tables are invalidated
/// anyway. One per context (scoped); a context runs one save at a time.
/// </remarks>
internal sealed class CacheBotSaveChangesInterceptor(CacheBotContextState state) : SaveChangesInterceptor
{
    private List<EntryImages>? _entries;
    private CacheCommit? _commit;
    private bool _unknown;

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        SyncPath.Wait(BeginAsync(async: false, CancellationToken.None));
        return result;
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        await BeginAsync(async: true, cancellationToken).ConfigureAwait(false);
        return result;
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        SyncPath.Wait(EndAsync(failed: false, async: false, CancellationToken.None));
        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        await EndAsync(failed: false, async: true, cancellationToken).ConfigureAwait(false);
        return result;
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) =>
        SyncPath.Wait(EndAsync(failed: true, async: false, CancellationToken.None));

    public override async Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default) =>
        await EndAsync(failed: true, async: true, cancellationToken).ConfigureAwait(false);

    public override void SaveChangesCanceled(DbContextEventData eventData) =>
        SyncPath.Wait(EndAsync(failed: true, async: false, CancellationToken.None));

    public override async Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default) =>
        await EndAsync(failed: true, async: true, cancellationToken).ConfigureAwait(false);

    private async ValueTask BeginAsync(bool async, CancellationToken cancellationToken)
    {
        state.EnsureProvenanceTracking();
        var tracker = state.Context.ChangeTracker;

        // EF cascades tracked orphans and deletions while it collects the entries to save (after this hook): do it now.
        tracker.CascadeChanges();
        var entries = new List<EntryImages>();
        var intents = new List<WriteRecord>();
        _unknown = false;
        try
        {
            foreach (var entry in tracker.Entries())
            {
                if (entry.State is EntityState.Added or EntityState.Modified or EntityState.Deleted && entry.Metadata.FindPrimaryKey() is not null)
                {
                    var images = EntryImages.Capture(entry, state);
                    entries.Add(images);
                    foreach (var table in images.Tables)
                    {
                        intents.Add(WriteRecord.ForTable(state.Model.TableNamed(table.Schema, table.Name)));
                    }
                }
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or InvalidCastException or NotSupportedException)
        {
            // The save must not fail because CacheBot could not read it: it invalidates the whole database instead.
            _unknown = true;
            intents = [WriteRecord.ForDatabase(state.DatabaseId)];
        }

        _entries = entries;
        _commit = entries.Count == 0 && !_unknown ? null : await WriteRouter.BeginAsync(state, intents, async, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask EndAsync(bool failed, bool async, CancellationToken cancellationToken)
    {
        var entries = _entries;
        var commit = _commit;
        _entries = null;
        _commit = null;
        if (entries is null || (entries.Count == 0 && !_unknown))
        {
            return;
        }

        var writes = new List<WriteRecord>();
        if (_unknown)
        {
            writes.Add(WriteRecord.ForDatabase(state.DatabaseId));
        }

        foreach (var entry in entries)
        {
            if (failed)
            {
                // Some rows may have been written, with values we cannot vouch for: invalidate the tables.
                foreach (var table in entry.Tables)
                {
                    writes.Add(WriteRecord.ForTable(state.Model.TableNamed(table.Schema, table.Name)));
                    Cascades.AddForTable(state.Model, table, writes);
                }
            }
            else
            {
                try
                {
                    entry.AddWrites(state, writes);
                }
                catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or InvalidCastException or NotSupportedException)
                {
                    writes.Add(WriteRecord.ForDatabase(state.DatabaseId));
                }
            }
        }

        await WriteRouter.RecordAsync(state, commit, writes, async, cancellationToken).ConfigureAwait(false);
    }
}
