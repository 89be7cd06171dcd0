using System.Reflection;

namespace CacheBot.Linq.Model;

/// <summary><c>object.MemberwiseClone</c> as a delegate: the one shallow copy used for write snapshots and copies on read.</summary>
internal static class ShallowCopy
{
    public static readonly Func<object, object> Of =
        typeof(object).GetMethod("MemberwiseClone", BindingFlags.NonPublic | BindingFlags.Instance)!.CreateDelegate<Func<object, object>>();
}
