using System.Linq.Expressions;
using System.Reflection;

namespace CacheBot.Linq.Keys;

// TEMPORARY functional stand-in for the allocation-free hasher (being written); same API.
[Flags] internal enum ExpressionHashFlags { None = 0, CacheMarker = 1, NoCacheMarker = 2, Unhashable = 4 }

internal readonly record struct ExpressionHash(UInt128 Full, UInt128 Shape, ExpressionHashFlags Flags);

internal interface IKeyHashPolicy
{
    bool HashByTypeOnly(Type type);
}

internal static class ExpressionHasher
{
    public static ExpressionHash Hash(Expression expression, IKeyHashPolicy? policy = null)
    {
        var finder = new Finder(policy);
        var full = finder.Visit(expression).ToString();
        var text = full + "|" + string.Join(",", finder.Values);
        return new ExpressionHash(H(text), H(full), finder.Flags);
    }

    private static UInt128 H(string s) => System.IO.Hashing.XxHash128.HashToUInt128(System.Text.Encoding.UTF8.GetBytes(s));

    private sealed class Finder(IKeyHashPolicy? policy) : ExpressionVisitor
    {
        public ExpressionHashFlags Flags { get; private set; }

        public List<string> Values { get; } = [];

        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            if (Querying.QueryMarkers.IsCache(node.Method)) Flags |= ExpressionHashFlags.CacheMarker;
            if (Querying.QueryMarkers.IsNoCache(node.Method)) Flags |= ExpressionHashFlags.NoCacheMarker;
            return base.VisitMethodCall(node);
        }

        protected override Expression VisitMember(MemberExpression node)
        {
            if (TryEval(node, out var value))
            {
                Append(value);
                return Expression.Default(node.Type);
            }

            return base.VisitMember(node);
        }

        protected override Expression VisitConstant(ConstantExpression node)
        {
            Append(node.Value);
            return node;
        }

        private void Append(object? value)
        {
            switch (value)
            {
                case null: Values.Add("null"); break;
                case string s: Values.Add("s:" + s); break;
                case System.Collections.IEnumerable e when value is not IQueryable:
                    var parts = new List<string>();
                    foreach (var x in e) parts.Add(Convert.ToString(x, System.Globalization.CultureInfo.InvariantCulture) ?? "null");
                    Values.Add("[" + string.Join(";", parts) + "]");
                    break;
                case IQueryable q when q.Expression is ConstantExpression c && ReferenceEquals(c.Value, q):
                    Values.Add("q:" + System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(q));
                    break;
                case IQueryable q:
                    Values.Add("sub:" + Hash(q.Expression, policy).Full);
                    break;
                case var v when v.GetType().IsPrimitive || v is decimal or DateTime or Guid or Enum or DateTimeOffset or TimeSpan:
                    Values.Add(v.GetType().Name + ":" + Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture));
                    break;
                case var v when policy?.HashByTypeOnly(v.GetType()) == true:
                    Values.Add("t:" + v.GetType().FullName);
                    break;
                default:
                    foreach (var p in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
                    {
                        if (p.GetIndexParameters().Length == 0 && (p.PropertyType.IsPrimitive || p.PropertyType == typeof(string)))
                            Values.Add(p.Name + "=" + p.GetValue(value));
                    }
                    break;
            }
        }

        private static bool TryEval(Expression e, out object? value)
        {
            value = null;
            switch (e)
            {
                case ConstantExpression c: value = c.Value; return true;
                case MemberExpression { Expression: null, Member: PropertyInfo }: return false; // static properties (Sql.CurrentTimestamp, DateTime.Now) are structure, not values
                case MemberExpression m:
                    object? inst = null;
                    if (m.Expression is not null && (!TryEval(m.Expression, out inst) || inst is null)) return false;
                    value = m.Member switch { FieldInfo f => f.GetValue(inst), PropertyInfo p => p.GetValue(inst), _ => null };
                    return true;
                default: return false;
            }
        }
    }
}
