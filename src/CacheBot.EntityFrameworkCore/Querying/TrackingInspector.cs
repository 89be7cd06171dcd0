using System.Collections;
using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore.Metadata;

namespace CacheBot.EntityFrameworkCore.Querying;

/// <summary>
/// Decides whether a query would track entities: its effective tracking behaviour (the outermost <c>AsTracking</c> /
/// <c>AsNoTracking*</c> on the main chain, else the context's <c>ChangeTracker.QueryTrackingBehavior</c>) and whether
/// its result type may hold entity instances.
/// </summary>
/// <remarks>
/// Tracking queries over entities bypass the cache: EF returns already-tracked instances (identity resolution) and attaches
/// new ones, which a cached copy cannot do. The per-type answer is cached per EF model; the chain walk allocates nothing.
/// </remarks>
internal static class TrackingInspector
{
    private static readonly ConditionalWeakTable<IModel, ConcurrentDictionary<Type, bool>> EntityResults = new();

    public static bool IsTrackingOverEntities(Expression expression, Type resultType, EfQueryContext context)
    {
        if (EffectiveBehavior(expression, context) != QueryTrackingBehavior.TrackAll)
        {
            return false;
        }

        var model = context.EfModel.EfModel;
        var cache = EntityResults.GetValue(model, static _ => new ConcurrentDictionary<Type, bool>());
        return cache.GetOrAdd(resultType, static (type, m) => MayHoldEntities(type, m, 0), model);
    }

    private static QueryTrackingBehavior EffectiveBehavior(Expression expression, EfQueryContext context)
    {
        var node = expression;
        while (node is MethodCallExpression call && call.Arguments.Count > 0)
        {
            if (call.Method.DeclaringType == typeof(EntityFrameworkQueryableExtensions))
            {
                switch (call.Method.Name)
                {
                    case nameof(EntityFrameworkQueryableExtensions.AsNoTracking):
                        return QueryTrackingBehavior.NoTracking;
                    case nameof(EntityFrameworkQueryableExtensions.AsNoTrackingWithIdentityResolution):
                        return QueryTrackingBehavior.NoTrackingWithIdentityResolution;
                    case nameof(EntityFrameworkQueryableExtensions.AsTracking):
                        return call.Arguments.Count > 1 && call.Arguments[1] is ConstantExpression { Value: QueryTrackingBehavior behavior }
                            ? behavior
                            : QueryTrackingBehavior.TrackAll;
                }
            }

            node = call.Arguments[0];
        }

        return context.State.Context.ChangeTracker.QueryTrackingBehavior;
    }

    private static bool MayHoldEntities(Type type, IModel model, int depth)
    {
        if (depth > 4 || type == typeof(object))
        {
            return true;
        }

        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying.IsPrimitive || underlying.IsEnum || underlying == typeof(string) || underlying == typeof(decimal) || underlying == typeof(DateTime)
            || underlying == typeof(DateTimeOffset) || underlying == typeof(TimeSpan) || underlying == typeof(DateOnly) || underlying == typeof(TimeOnly)
            || underlying == typeof(Guid) || underlying == typeof(byte[]))
        {
            return false;
        }

        foreach (var entityType in model.GetEntityTypes())
        {
            if (entityType.ClrType.IsAssignableFrom(type) || type.IsAssignableFrom(entityType.ClrType))
            {
                return true;
            }
        }

        if (typeof(IEnumerable).IsAssignableFrom(type))
        {
            foreach (var candidate in type.IsInterface ? [type, .. type.GetInterfaces()] : type.GetInterfaces())
            {
                if (candidate.IsGenericType && candidate.GetGenericArguments().Any(a => MayHoldEntities(a, model, depth + 1)))
                {
                    return true;
                }
            }

            return false;
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (MayHoldEntities(property.PropertyType, model, depth + 1))
            {
                return true;
            }
        }

        foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Instance))
        {
            if (MayHoldEntities(field.FieldType, model, depth + 1))
            {
                return true;
            }
        }

        return false;
    }
}
