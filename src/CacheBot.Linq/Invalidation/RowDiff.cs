using CacheBot.Linq.Providers;

namespace CacheBot.Linq.Invalidation;

/// <summary>
/// The columns an update changed, from its old and new row images: a scheme whose queries read none of them keeps its keys
/// (column-aware invalidation). Computed per mapped table on first use, for one write.
/// </summary>
/// <remarks>
/// Only for tables whose integration vouches for its images (<see cref="TableModel.ImplicitlyReadColumns"/> set) and only
/// for a write that holds both images (an update). A column absent from either image, or whose two values are not the same
/// by a strict comparison (<see cref="SameValue"/>), counts as changed; so does every column when both sides are the same
/// instance (a row changed in place: <c>NotifyUpdated(row, row)</c>, <c>Invalidate(row)</c>).
/// </remarks>
internal struct RowDiff(object? oldRow, object? newRow)
{
    private TableModel? _table;
    private ulong _changed;

    /// <summary>Whether the write changes no column <paramref name="scheme"/>'s queries read.</summary>
    public bool LeavesAlone(Scheme scheme)
    {
        if (oldRow is null || newRow is null || scheme.Table.ImplicitlyReadColumns is null)
        {
            return false;
        }

        if (!ReferenceEquals(_table, scheme.Table))
        {
            _table = scheme.Table;
            _changed = Changed(scheme.Table, oldRow, newRow);
        }

        return (_changed & scheme.ReadMask) == 0;
    }

    private static ulong Changed(TableModel table, object oldRow, object newRow)
    {
        if (ReferenceEquals(oldRow, newRow) || ReferenceEquals(oldRow, RowValues.Unknown) || ReferenceEquals(newRow, RowValues.Unknown)
            || table.Columns.Count == 0)
        {
            return ColumnMask.All;
        }

        ulong changed = 0;
        foreach (var column in table.Columns)
        {
            if (!TryRead(column, oldRow, out var before) || !TryRead(column, newRow, out var after) || !SameValue(before, after))
            {
                changed |= ColumnMask.Bit(column);
            }
        }

        return changed;
    }

    private static bool TryRead(ColumnModel column, object row, out object? value)
    {
        if (row is RowValues image)
        {
            // Raw database values: compared as read, no conversion.
            var known = image.TryGet(column.Name, out value);
            value = value is DBNull ? null : value;
            return known;
        }

        return column.TryGetValue(row, out value);
    }

    /// <summary>
    /// Whether two values are the same value, strictly: the same type and the same representation (a decimal's scale, a
    /// double's sign of zero, a DateTimeOffset's offset, a string's case all count). Unknown reference types compare by
    /// reference only.
    /// </summary>
    internal static bool SameValue(object? a, object? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        if (a.GetType() != b.GetType())
        {
            return false;
        }

        return a switch
        {
            string s => string.Equals(s, (string)b, StringComparison.Ordinal),
            double d => BitConverter.DoubleToInt64Bits(d) == BitConverter.DoubleToInt64Bits((double)b),
            float f => BitConverter.SingleToInt32Bits(f) == BitConverter.SingleToInt32Bits((float)b),
            decimal m => SameDecimal(m, (decimal)b),
            DateTime t => t.Ticks == ((DateTime)b).Ticks && t.Kind == ((DateTime)b).Kind,
            DateTimeOffset o => o.EqualsExact((DateTimeOffset)b),
            byte[] bytes => bytes.AsSpan().SequenceEqual((byte[])b),
            _ when a.GetType().IsPrimitive || a is Guid or TimeSpan or DateOnly or TimeOnly or Enum => a.Equals(b),
            _ => ReferenceEquals(a, b),
        };
    }

    private static bool SameDecimal(decimal a, decimal b)
    {
        Span<int> x = stackalloc int[4];
        Span<int> y = stackalloc int[4];
        decimal.GetBits(a, x);
        decimal.GetBits(b, y);
        return x.SequenceEqual(y);
    }
}
