namespace CacheBot.Linq2Db.Writes;

/// <summary>How linq2db runs a command: the ADO.NET method the interceptor stands in for.</summary>
internal enum CommandKind
{
    NonQuery,
    Scalar,
    Reader,
}
