using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using CacheBot.Linq.Providers;
using LinqToDB;

namespace CacheBot.Linq2Db.Compiled;

/// <summary>The parameter values of one call of a compiled query: hashed into its key (hit) or bound into its expression (miss).</summary>
internal interface ICompiledArgs
{
    /// <summary>Hashes the values in order, by their static types (no boxing).</summary>
    void AppendTo(ref PrecomputedKeyBuilder builder);

    /// <summary>Returns the expression the body reads for parameter <paramref name="index"/>: a captured value, as a C# closure gives linq2db (a SQL parameter).</summary>
    Expression Bind(int index);

    /// <summary>Calls a <see cref="CompiledInnerQuery"/> adapter (<c>Func&lt;IDataContext, T1, ..., Tn, CancellationToken, TOut&gt;</c>) with these values.</summary>
    TOut Invoke<TOut>(Delegate adapter, IDataContext db, CancellationToken cancellationToken);
}

/// <summary>Binds a value as a captured variable (a field of a constant holder), which linq2db turns into a SQL parameter and CacheBot keys by value.</summary>
internal static class CapturedValue
{
    public static Expression Of<T>(T value) => Expression.Field(Expression.Constant(new StrongBox<T>(value)), nameof(StrongBox<T>.Value));
}

internal readonly struct Args0 : ICompiledArgs
{
    public void AppendTo(ref PrecomputedKeyBuilder builder)
    {
    }

    public Expression Bind(int index) => throw new ArgumentOutOfRangeException(nameof(index));

    public TOut Invoke<TOut>(Delegate adapter, IDataContext db, CancellationToken cancellationToken) =>
        ((Func<IDataContext, CancellationToken, TOut>)adapter)(db, cancellationToken);
}

internal readonly struct Args1<T1>(T1 a1) : ICompiledArgs
{
    public void AppendTo(ref PrecomputedKeyBuilder builder) => builder.Add(a1);

    public Expression Bind(int index) => index == 0 ? CapturedValue.Of(a1) : throw new ArgumentOutOfRangeException(nameof(index));

    public TOut Invoke<TOut>(Delegate adapter, IDataContext db, CancellationToken cancellationToken) =>
        ((Func<IDataContext, T1, CancellationToken, TOut>)adapter)(db, a1, cancellationToken);
}

internal readonly struct Args2<T1, T2>(T1 a1, T2 a2) : ICompiledArgs
{
    public void AppendTo(ref PrecomputedKeyBuilder builder)
    {
        builder.Add(a1);
        builder.Add(a2);
    }

    public Expression Bind(int index) => index switch
    {
        0 => CapturedValue.Of(a1),
        1 => CapturedValue.Of(a2),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public TOut Invoke<TOut>(Delegate adapter, IDataContext db, CancellationToken cancellationToken) =>
        ((Func<IDataContext, T1, T2, CancellationToken, TOut>)adapter)(db, a1, a2, cancellationToken);
}

internal readonly struct Args3<T1, T2, T3>(T1 a1, T2 a2, T3 a3) : ICompiledArgs
{
    public void AppendTo(ref PrecomputedKeyBuilder builder)
    {
        builder.Add(a1);
        builder.Add(a2);
        builder.Add(a3);
    }

    public Expression Bind(int index) => index switch
    {
        0 => CapturedValue.Of(a1),
        1 => CapturedValue.Of(a2),
        2 => CapturedValue.Of(a3),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public TOut Invoke<TOut>(Delegate adapter, IDataContext db, CancellationToken cancellationToken) =>
        ((Func<IDataContext, T1, T2, T3, CancellationToken, TOut>)adapter)(db, a1, a2, a3, cancellationToken);
}

internal readonly struct Args4<T1, T2, T3, T4>(T1 a1, T2 a2, T3 a3, T4 a4) : ICompiledArgs
{
    public void AppendTo(ref PrecomputedKeyBuilder builder)
    {
        builder.Add(a1);
        builder.Add(a2);
        builder.Add(a3);
        builder.Add(a4);
    }

    public Expression Bind(int index) => index switch
    {
        0 => CapturedValue.Of(a1),
        1 => CapturedValue.Of(a2),
        2 => CapturedValue.Of(a3),
        3 => CapturedValue.Of(a4),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public TOut Invoke<TOut>(Delegate adapter, IDataContext db, CancellationToken cancellationToken) =>
        ((Func<IDataContext, T1, T2, T3, T4, CancellationToken, TOut>)adapter)(db, a1, a2, a3, a4, cancellationToken);
}
