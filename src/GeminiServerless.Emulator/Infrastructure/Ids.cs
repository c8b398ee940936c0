using System.Security.Cryptography;

namespace GeminiServerless.Emulator.Infrastructure;

internal static class Ids
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>A random id of lower-case letters and digits, like the ids Gemini hands out.</summary>
    public static string New(int length) => RandomNumberGenerator.GetString(Alphabet, length);
}
