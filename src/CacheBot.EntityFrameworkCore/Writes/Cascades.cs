using CacheBot.EntityFrameworkCore.Model;
using CacheBot.Linq.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;

namespace CacheBot.EntityFrameworkCore.Writes;

/// <summary>
/// The rows a database changes on its own when a principal row is deleted: foreign keys declared in the model with
/// <c>ON DELETE CASCADE</c>, <c>SET NULL</c> or <c>SET DEFAULT</c> (EF creates these from <c>DeleteBehavior</c>). EF only
/// cascades to dependents it tracks; the database cascades to all of them.
/// </summary>
/// <remarks>
/// A deleted row whose key is known gives row writes on the dependent table (old image: the foreign key equal to the key;
/// new image: nulls for SET NULL); rows deleted in cascade have unknown keys, so the tables that cascade from them get
/// table writes. Foreign keys whose action exists only in the database are followed by <see cref="CatalogConsequences"/>.
/// </remarks>
internal static class Cascades
{
    /// <summary>Writes caused by deleting the row <paramref name="deleted"/> (an image holding at least its key) of <paramref name="table"/>.</summary>
    public static void AddForDeletedRow(EfEntityModel model, ITable table, RowValues deleted, List<WriteRecord> writes)
    {
        foreach (var constraint in table.ReferencingForeignKeyConstraints)
        {
            if (constraint.OnDeleteAction is not (ReferentialAction.Cascade or ReferentialAction.SetNull or ReferentialAction.SetDefault))
            {
                continue;
            }

            var dependent = model.TableNamed(constraint.Table.Schema, constraint.Table.Name);
            var old = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
            var known = constraint.OnDeleteAction != ReferentialAction.SetDefault;
            for (var i = 0; i < constraint.Columns.Count && known; i++)
            {
                known = deleted.TryGet(constraint.PrincipalColumns[i].Name, out var value);
                old[constraint.Columns[i].Name] = value;
            }

            if (!known)
            {
                writes.Add(WriteRecord.ForTable(dependent));
            }
            else if (constraint.OnDeleteAction == ReferentialAction.SetNull)
            {
                var nulls = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
                foreach (var column in constraint.Columns)
                {
                    nulls[column.Name] = null;
                }

                writes.Add(WriteRecord.ForImages(dependent, RowValues.FromDictionary(old), RowValues.FromDictionary(nulls)));
            }
            else
            {
                writes.Add(WriteRecord.ForImages(dependent, RowValues.FromDictionary(old), null));
            }

            if (constraint.OnDeleteAction == ReferentialAction.Cascade && !ReferenceEquals(constraint.Table, table))
            {
                AddForTable(model, constraint.Table, writes, [table]);
            }
        }
    }

    /// <summary>Writes caused by deleting unknown rows of <paramref name="table"/> (<c>ExecuteDelete</c>, cascades of cascades).</summary>
    public static void AddForTable(EfEntityModel model, ITable table, List<WriteRecord> writes, HashSet<ITable>? seen = null)
    {
        seen ??= [];
        if (!seen.Add(table))
        {
            return;
        }

        foreach (var constraint in table.ReferencingForeignKeyConstraints)
        {
            if (constraint.OnDeleteAction is ReferentialAction.Cascade or ReferentialAction.SetNull or ReferentialAction.SetDefault)
            {
                writes.Add(WriteRecord.ForTable(model.TableNamed(constraint.Table.Schema, constraint.Table.Name)));
                if (constraint.OnDeleteAction == ReferentialAction.Cascade)
                {
                    AddForTable(model, constraint.Table, writes, seen);
                }
            }
        }
    }
}
