using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;
using Microsoft.EntityFrameworkCore.Query.Internal;

namespace CacheBot.EntityFrameworkCore.Querying;

/// <summary>
/// Finds the DbContext behind an EF query that is not a <c>DbSet</c> (e.g. after <c>FromSql</c>): EF's
/// <see cref="EntityQueryProvider"/> holds its query compiler, which holds the context's query-context factory.
/// </summary>
/// <remarks>Reads private fields by type (EF Core is pinned exactly); when they are not found it returns <see langword="null"/>.</remarks>
internal static class ContextResolver
{
    private static readonly FieldInfo? CompilerField = FindField(typeof(EntityQueryProvider), typeof(IQueryCompiler));
    private static readonly FieldInfo? FactoryField = FindField(typeof(QueryCompiler), typeof(IQueryContextFactory));

    public static DbContext? Find(IQueryProvider provider)
    {
        if (provider is not EntityQueryProvider || CompilerField?.GetValue(provider) is not QueryCompiler compiler
            || FactoryField?.GetValue(compiler) is not IQueryContextFactory factory)
        {
            return null;
        }

        return factory.Create().Context;
    }

    private static FieldInfo? FindField(Type owner, Type fieldType)
    {
        foreach (var field in owner.GetFields(BindingFlags.Instance | BindingFlags.NonPublic))
        {
            if (field.FieldType == fieldType)
            {
                return field;
            }
        }

        return null;
    }
}
