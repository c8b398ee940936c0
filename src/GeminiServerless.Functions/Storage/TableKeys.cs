using System.Security.Cryptography;
using System.Text;

namespace GeminiServerless.Functions.Storage;

/// <summary>Turns arbitrary strings into valid Table storage keys (no / \ # ? or control characters, bounded length).</summary>
internal static class TableKeys
{
    public static string Encode(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var escaped = Uri.EscapeDataString(value);
        if (escaped.Length <= 400 && escaped.All(c => !char.IsControl(c)))
        {
            return escaped;
        }

        return "h-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
    }
}
