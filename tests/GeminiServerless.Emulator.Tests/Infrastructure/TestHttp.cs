using Microsoft.Extensions.DependencyInjection;

namespace GeminiServerless.Emulator.Tests.Infrastructure;

/// <summary>One shared <see cref="IHttpClientFactory"/> for all tests.</summary>
public static class TestHttp
{
    private static readonly ServiceProvider Provider = new ServiceCollection().AddHttpClient().BuildServiceProvider();

    public static IHttpClientFactory Factory { get; } = Provider.GetRequiredService<IHttpClientFactory>();

    public static HttpClient Create(string baseUrl, string? apiKey = null)
    {
        var client = Factory.CreateClient();
        client.BaseAddress = new Uri(baseUrl.TrimEnd('/') + "/");
        client.Timeout = TimeSpan.FromSeconds(60);
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("x-goog-api-key", apiKey);
        }

        return client;
    }
}
