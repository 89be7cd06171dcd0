namespace CacheBot.Linq.Analysis;

/// <summary>Small reflection helpers shared by the analyser and the query wrapper.</summary>
internal static class TypeHelpers
{
    /// <summary>Returns <c>T</c> when <paramref name="type"/> is or implements <see cref="IEnumerable{T}"/>, else <see langword="null"/>.</summary>
    public static Type? GetSequenceElement(Type type) => Model.ClrEntityModel.GetCollectionElement(type);
}
