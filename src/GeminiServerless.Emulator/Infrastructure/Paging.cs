using System.Globalization;
using GeminiServerless.Emulator.Errors;

namespace GeminiServerless.Emulator.Infrastructure;

/// <summary>Newest-first pages; the page token is the sequence number of the last item returned.</summary>
internal static class Paging
{
    public static (List<T> Page, string? NextPageToken) Page<T>(IEnumerable<T> items, Func<T, long> sequence, int pageSize, string? pageToken)
    {
        var ordered = items.OrderByDescending(sequence).AsEnumerable();
        if (!string.IsNullOrEmpty(pageToken))
        {
            if (!long.TryParse(pageToken, NumberStyles.None, CultureInfo.InvariantCulture, out var after))
            {
                throw GoogleErrors.InvalidArgument($"Invalid page token '{pageToken}'.");
            }

            ordered = ordered.Where(item => sequence(item) < after);
        }

        var page = ordered.Take(pageSize + 1).ToList();
        if (page.Count <= pageSize)
        {
            return (page, null);
        }

        page.RemoveAt(page.Count - 1);
        return (page, Formats.Int64(sequence(page[^1])));
    }
}
