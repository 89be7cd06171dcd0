using System.Linq.Expressions;
using System.Reflection;
using LinqToDB.Mapping;

namespace CacheBot.Benchmarks.Baselines;

/// <summary>
/// Stores entities as rows of boxed column values and builds new entities from them, as a data reader over cached
/// rows does for the SQL-text caches (a compiled materialiser per type, one boxed value per column).
/// </summary>
internal static class RowMaterializer<T> where T : class, new()
{
    private static readonly PropertyInfo[] Columns = typeof(T).GetProperties()
        .Where(p => p.GetCustomAttribute<ColumnAttribute>() is not null || p.GetCustomAttribute<PrimaryKeyAttribute>() is not null)
        .ToArray();

    private static readonly Func<T, object?[]> Read = BuildRead();
    private static readonly Func<object?[], T> Create = BuildCreate();

    public static object?[][] ToRows(List<T> entities)
    {
        var rows = new object?[entities.Count][];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = Read(entities[i]);
        }

        return rows;
    }

    public static List<T> Materialize(object?[][] rows)
    {
        var list = new List<T>(rows.Length);
        foreach (var row in rows)
        {
            list.Add(Create(row));
        }

        return list;
    }

    private static Func<T, object?[]> BuildRead()
    {
        var entity = Expression.Parameter(typeof(T), "e");
        var values = Columns.Select(c => (Expression)Expression.Convert(Expression.Property(entity, c), typeof(object)));
        return Expression.Lambda<Func<T, object?[]>>(Expression.NewArrayInit(typeof(object), values), entity).Compile();
    }

    private static Func<object?[], T> BuildCreate()
    {
        var row = Expression.Parameter(typeof(object?[]), "row");
        var bindings = Columns.Select((c, i) => (MemberBinding)Expression.Bind(
            c, Expression.Convert(Expression.ArrayIndex(row, Expression.Constant(i)), c.PropertyType)));
        return Expression.Lambda<Func<object?[], T>>(Expression.MemberInit(Expression.New(typeof(T)), bindings), row).Compile();
    }
}
