using CacheBot.Linq.Querying;

namespace CacheBot.Linq.Tests.Querying;

/// <summary>
/// Copy on read of sealed entities with navigations: one <c>MemberwiseClone</c> while no navigation is loaded (the fast path),
/// a deep copy that keeps shared references shared as soon as one is.
/// </summary>
public sealed class ResultCopierTests
{
    [Fact]
    public void Copy_NavigationNotLoaded_IsOneShallowCloneOfTheRow()
    {
        var order = new Order { Id = 1, Title = "a" };

        var copy = ResultCopier.Copy(order);

        Assert.NotSame(order, copy);
        Assert.Equal((1, "a"), (copy.Id, copy.Title));
        Assert.Null(copy.Customer);
        Assert.Equal(Bytes(() => order.Clone()), Bytes(() => ResultCopier.Copy(order)));
    }

    [Fact]
    public void Copy_NavigationLoaded_CopiesTheNavigationToo()
    {
        var order = new Order { Id = 1, Customer = new Customer { Name = "c" } };

        var copy = ResultCopier.Copy(order);

        Assert.NotSame(order.Customer, copy.Customer);
        Assert.Equal("c", copy.Customer!.Name);
        copy.Customer.Name = "changed";
        Assert.Equal("c", order.Customer.Name);
    }

    [Fact]
    public void Copy_CollectionNavigationLoaded_CopiesTheCollection()
    {
        var order = new Order { Id = 1, Lines = [new Line { Qty = 2 }] };

        var copy = ResultCopier.Copy(order);

        Assert.NotSame(order.Lines, copy.Lines);
        Assert.NotSame(order.Lines[0], copy.Lines![0]);
        Assert.Equal(2, copy.Lines[0].Qty);
    }

    [Fact]
    public void CopyList_NoNavigationLoaded_AllocatesTheListAndOneCloneARow()
    {
        var rows = Enumerable.Range(1, 33).Select(i => new Order { Id = i, Title = "t" + i }).ToArray();

        var copies = ResultCopier.CopyList(rows);

        Assert.Equal(rows.Select(r => r.Id), copies.Select(c => c.Id));
        Assert.All(copies, (c, i) => Assert.NotSame(rows[i], c));
        var expected = Bytes(() => new List<Order>(rows.Length)) + (rows.Length * Bytes(() => rows[0].Clone()));
        Assert.Equal(expected, Bytes(() => ResultCopier.CopyList(rows)));
    }

    [Fact]
    public void CopyList_RowReferencedByAnEarlierRow_StaysSharedInTheCopy()
    {
        var customerRow = new Order { Id = 2 };
        var owner = new Order { Id = 1, Parent = customerRow };

        var copies = ResultCopier.CopyList([owner, customerRow, null!]);

        Assert.Same(copies[0].Parent, copies[1]);
        Assert.NotSame(customerRow, copies[1]);
        Assert.Null(copies[2]);
    }

    [Fact]
    public void CopyList_SameUnloadedRowTwice_GivesIndependentCopies()
    {
        var row = new Order { Id = 1 };

        var copies = ResultCopier.CopyList([row, row]);

        Assert.NotSame(row, copies[0]);
        Assert.NotSame(row, copies[1]);
        copies[0].Title = "changed";
        Assert.Equal(string.Empty, row.Title);
    }

    /// <summary>The fewest bytes one call allocated over several rounds.</summary>
    private static long Bytes<T>(Func<T> call)
    {
        var best = long.MaxValue;
        for (var i = 0; i < 50; i++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            GC.KeepAlive(call());
            best = Math.Min(best, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return best;
    }

    private sealed class Order
    {
        public int Id { get; set; }

        public string Title { get; set; } = string.Empty;

        public Customer? Customer { get; set; }

        public Order? Parent { get; set; }

        public List<Line>? Lines { get; set; }

        public Order Clone() => (Order)MemberwiseClone();
    }

    private sealed class Customer
    {
        public string Name { get; set; } = string.Empty;
    }

    private sealed class Line
    {
        public int Qty { get; set; }
    }
}
