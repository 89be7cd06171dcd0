using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;

namespace CacheBot.Linq.Tests.TestModel;

/// <summary>
/// A canonical, value-based rendering of query results, so a cached answer can be compared with the same query run
/// uncached. Entities render their column values only (navigations are not part of a row, as in a database);
/// sequences render their items sorted, so row order never matters; anonymous types render every member.
/// </summary>
public static class Canonical
{
    public static string Of(object? value)
    {
        var sb = new StringBuilder();
        Append(sb, value);
        return sb.ToString();
    }

    private static void Append(StringBuilder sb, object? value)
    {
        switch (value)
        {
            case null:
                sb.Append("null");
                return;
            case string s:
                sb.Append('"').Append(s).Append('"');
                return;
            case Enum e:
                sb.Append(e.GetType().Name).Append('.').Append(e);
                return;
            case IFormattable f:
                sb.Append(f.ToString(null, CultureInfo.InvariantCulture));
                return;
            case bool b:
                sb.Append(b ? "true" : "false");
                return;
            case IEnumerable sequence:
            {
                var items = new List<string>();
                foreach (var item in sequence)
                {
                    items.Add(Of(item));
                }

                items.Sort(StringComparer.Ordinal);
                sb.Append('[').AppendJoin(',', items).Append(']');
                return;
            }
        }

        var type = value.GetType();
        var isEntity = type.Namespace == typeof(Canonical).Namespace;
        sb.Append(isEntity ? type.Name : string.Empty).Append('{');
        var first = true;
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            if (property.GetIndexParameters().Length > 0 || (isEntity && !IsColumn(property.PropertyType)))
            {
                continue;
            }

            if (!first)
            {
                sb.Append(',');
            }

            first = false;
            sb.Append(property.Name).Append('=');
            Append(sb, property.GetValue(value));
        }

        sb.Append('}');
    }

    private static bool IsColumn(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(DateTime) || type == typeof(Guid);
    }
}
