using System.Linq.Dynamic.Core;
using System.Linq.Dynamic.Core.Exceptions;
using System.Linq.Expressions;

namespace CacheBot.Linq.Querying;

/// <summary>Validates and normalises <c>Cache(...)</c> paths: lambdas (<c>p =&gt; p.Message.Sender</c>) and dotted strings.</summary>
internal static class CachePaths
{
    public static string FromLambda(LambdaExpression path, Type entityType)
    {
        ArgumentNullException.ThrowIfNull(path);
        var body = path.Body is UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.TypeAs } convert ? convert.Operand : path.Body;
        var names = new List<string>();
        while (body is MemberExpression member)
        {
            names.Add(member.Member.Name);
            body = member.Expression;
        }

        if (body != path.Parameters[0] || names.Count == 0)
        {
            throw new ArgumentException(
                $"Cache() path '{path}' is not a chain of members of {entityType.Name}. Pass a member path such as p => p.User or p => p.Message.Sender.",
                nameof(path));
        }

        names.Reverse();
        return string.Join('.', names);
    }

    public static string FromString(string path, Type entityType)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ArgumentException($"Cache() path must not be empty; name a member of {entityType.Name} such as \"User\".", nameof(path));
        }

        LambdaExpression lambda;
        try
        {
            lambda = DynamicExpressionParser.ParseLambda(entityType, null, path);
        }
        catch (ParseException ex)
        {
            throw new ArgumentException(
                $"Cache(\"{path}\") does not name a member path of {entityType.Name}: {ex.Message} Use dotted member names such as \"User\" or \"Message.Sender\".",
                nameof(path),
                ex);
        }

        return FromLambda(lambda, entityType);
    }
}
