using System.Collections.Concurrent;
using System.Data.Common;
using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace CacheBot.EntityFrameworkCore.Writes;

/// <summary>
/// How to read one column of a table's row images from a data reader into the representation <c>SaveChanges</c>'s images
/// use (<see cref="EntryImages"/>): the model value, i.e. the provider value read as the type mapping's provider CLR type
/// and passed through the property's value converter.
/// </summary>
/// <remarks>
/// A column mapped by several properties (table splitting, TPH) is read only when they all agree on the type mapping's
/// CLR type and converter type; a column without a property (a JSON container) or with disagreeing mappings is left out
/// of the images, which makes the write a table write for every scheme that uses it (precision only).
/// </remarks>
internal sealed class ImageColumns
{
    private static readonly ConcurrentDictionary<Type, Func<DbDataReader, int, object>> Getters = new();
    private static readonly ConditionalWeakTable<ITable, ImageColumns> Cache = new();

    private ImageColumns(ITable table)
    {
        var columns = new List<IColumn>();
        var converters = new List<(Func<DbDataReader, int, object> Get, ValueConverter? Converter)?>();
        foreach (var column in table.Columns)
        {
            columns.Add(column);
            converters.Add(ReaderFor(column));
        }

        Columns = columns;
        Readers = converters;
        var keys = new List<int>();
        if (table.PrimaryKey is { } primaryKey)
        {
            foreach (var key in primaryKey.Columns)
            {
                keys.Add(columns.IndexOf(key));
            }
        }

        KeyOrdinals = keys;
    }

    /// <summary>Gets the table's columns, in the order of the image SELECT list.</summary>
    public IReadOnlyList<IColumn> Columns { get; }

    /// <summary>Gets the positions of the primary-key columns in <see cref="Columns"/> (empty without a primary key).</summary>
    public IReadOnlyList<int> KeyOrdinals { get; }

    private List<(Func<DbDataReader, int, object> Get, ValueConverter? Converter)?> Readers { get; }

    public static ImageColumns For(ITable table) => Cache.GetValue(table, static t => new ImageColumns(t));

    /// <summary>Reads the model value of column <paramref name="ordinal"/>; false when it cannot be read (unknown).</summary>
    public bool TryRead(DbDataReader reader, int ordinal, out object? value)
    {
        value = null;
        if (Readers[ordinal] is not { } read)
        {
            return false;
        }

        try
        {
            if (reader.IsDBNull(ordinal))
            {
                return true;
            }

            var provider = read.Get(reader, ordinal);
            value = read.Converter is null ? provider : read.Converter.ConvertFromProvider(provider);
            return true;
        }
        catch (Exception ex) when (ex is InvalidCastException or FormatException or OverflowException or InvalidOperationException or NotSupportedException or ArgumentException)
        {
            return false;
        }
    }

    private static (Func<DbDataReader, int, object> Get, ValueConverter? Converter)? ReaderFor(IColumn column)
    {
        RelationalTypeMapping? mapping = null;
        foreach (var property in column.PropertyMappings)
        {
            var next = property.TypeMapping;
            if (mapping is null)
            {
                mapping = next;
            }
            else if (mapping.ClrType != next.ClrType || mapping.Converter?.GetType() != next.Converter?.GetType())
            {
                return null;
            }
        }

        if (mapping is null)
        {
            return null;
        }

        var providerType = mapping.Converter?.ProviderClrType ?? mapping.ClrType;
        providerType = Nullable.GetUnderlyingType(providerType) ?? providerType;
        return (Getters.GetOrAdd(providerType, Build), mapping.Converter);
    }

    private static Func<DbDataReader, int, object> Build(Type type)
    {
        var reader = Expression.Parameter(typeof(DbDataReader), "reader");
        var ordinal = Expression.Parameter(typeof(int), "ordinal");
        var call = Expression.Call(reader, nameof(DbDataReader.GetFieldValue), [type], ordinal);
        return Expression.Lambda<Func<DbDataReader, int, object>>(Expression.Convert(call, typeof(object)), reader, ordinal).Compile();
    }
}
