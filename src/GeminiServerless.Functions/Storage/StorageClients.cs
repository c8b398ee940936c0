using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;

namespace GeminiServerless.Functions.Storage;

/// <summary>
/// Blob, queue and table clients for the app's storage account, built from the same setting the Functions host
/// uses: a connection string (<c>AzureWebJobsStorage</c>, e.g. Azurite) or identity-based
/// <c>AzureWebJobsStorage__blobServiceUri</c> / <c>__queueServiceUri</c> / <c>__tableServiceUri</c> with
/// <c>__credential=managedidentity</c> and <c>__clientId</c>.
/// </summary>
public sealed class StorageClients
{
    public StorageClients(IConfiguration configuration, string connectionName)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var connectionString = configuration[connectionName];
        var section = configuration.GetSection(connectionName);
        var queueOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            Blobs = new BlobServiceClient(connectionString);
            Queues = new QueueServiceClient(connectionString, queueOptions);
            Tables = new TableServiceClient(connectionString);
            return;
        }

        var credential = CreateCredential(section);
        var accountName = section["accountName"];
        Blobs = new BlobServiceClient(ServiceUri(section, "blobServiceUri", accountName, "blob"), credential);
        Queues = new QueueServiceClient(ServiceUri(section, "queueServiceUri", accountName, "queue"), credential, queueOptions);
        Tables = new TableServiceClient(ServiceUri(section, "tableServiceUri", accountName, "table"), credential);
    }

    public BlobServiceClient Blobs { get; }

    public QueueServiceClient Queues { get; }

    public TableServiceClient Tables { get; }

    private static TokenCredential CreateCredential(IConfigurationSection section)
    {
        var clientId = section["clientId"];
        if (string.Equals(section["credential"], "managedidentity", StringComparison.OrdinalIgnoreCase))
        {
            return string.IsNullOrEmpty(clientId)
                ? new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned)
                : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
        }

        return new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = clientId });
    }

    private static Uri ServiceUri(IConfigurationSection section, string key, string? accountName, string service)
    {
        var value = section[key];
        if (!string.IsNullOrEmpty(value))
        {
            return new Uri(value);
        }

        if (!string.IsNullOrEmpty(accountName))
        {
            return new Uri($"https://{accountName}.{service}.core.windows.net");
        }

        throw new InvalidOperationException(
            $"Storage is not configured: set '{section.Path}' to a connection string, or '{section.Path}__{key}' (or '__accountName').");
    }
}
