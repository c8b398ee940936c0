using System.Globalization;

namespace GeminiServerless.Emulator.Infrastructure;

internal static class Formats
{
    /// <summary>RFC 3339 with microseconds, as the classic REST surface writes timestamps.</summary>
    public static string Timestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>RFC 3339 with whole seconds, as the Interactions and Webhooks surfaces write them.</summary>
    public static string SecondsTimestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>proto3 JSON writes int64 values as strings.</summary>
    public static string Int64(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
