// Flex Consumption (FC1) plan and the function app (.NET isolated worker). Everything the app reaches
// (storage, Application Insights, Key Vault, the deployment package) is reached with the user-assigned
// managed identity: the app settings hold endpoints and the identity's client id, never a key.

@description('Name of the function app; its default host name carries the webhook URL.')
param name string

@description('Name of the Flex Consumption plan.')
param planName string

@description('Azure region of the plan and the app. It must offer Flex Consumption.')
param location string

@description('Tags applied to the plan and the app (the app also gets azd-service-name).')
param tags { *: string }

@description('azd service name in azure.yaml; azd finds the app to deploy to by this tag.')
param serviceName string = 'api'

@description('Name of the user-assigned managed identity the app runs as.')
param identityName string

@description('Name of the storage account used for host storage, Durable Functions and app data.')
param storageAccountName string

@description('Blob container Flex Consumption deploys the app package from.')
param deploymentContainerName string

@description('Name of the Application Insights component.')
param applicationInsightsName string

@description('Versionless URI of the Key Vault secret holding the Gemini API key.')
param geminiApiKeySecretUri string

@description('Functions worker runtime.')
@allowed([
  'dotnet-isolated'
])
param runtimeName string = 'dotnet-isolated'

@description('Version of the worker runtime (.NET).')
param runtimeVersion string = '10.0'

@description('Memory of each instance in MB (Flex Consumption sizes).')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Upper bound on instances the app scales out to (a cost ceiling).')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Gemini API base URL (Gemini__BaseUrl).')
param geminiBaseUrl string

@description('Gemini API version path segment (Gemini__ApiVersion).')
param geminiApiVersion string

@description('JWKS URL that verifies Gemini webhook JWTs (Webhooks__JwksUrl).')
param webhookJwksUrl string

@description('Expected issuer of Gemini webhook JWTs (Webhooks__Issuer); empty: the app default.')
param webhookIssuer string

@description('Expected audience of Gemini webhook JWTs (Webhooks__Audience); empty: the delivery\'s own webhook URL.')
param webhookAudience string

@description('Durable Functions task hub name; overrides host.json.')
param durableTaskHubName string

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: identityName
}

resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2025-03-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientAffinityEnabled: false
    // Gemini must reach the webhook, so the site stays public; the webhook verifies every call.
    publicNetworkAccess: 'Enabled'
    // Key Vault references (Gemini__ApiKey) are resolved with the user-assigned identity.
    keyVaultReferenceIdentity: identity.id
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.id
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: runtimeName
        version: runtimeVersion
      }
    }
  }
}

// App settings live in their own resource so that they can use the site's default host name
// (Webhooks__PublicBaseUrl) without a circular reference. This resource replaces the whole set.
resource appSettings 'Microsoft.Web/sites/config@2025-03-01' = {
  parent: functionApp
  name: 'appsettings'
  properties: {
    // Host storage and Durable Functions (Azure Storage backend), identity-based: no connection string.
    // The app's own Blob/Queue/Table clients read the same section.
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identity.properties.clientId
    AzureWebJobsStorage__blobServiceUri: storage.properties.primaryEndpoints.blob
    AzureWebJobsStorage__queueServiceUri: storage.properties.primaryEndpoints.queue
    AzureWebJobsStorage__tableServiceUri: storage.properties.primaryEndpoints.table
    AzureFunctionsJobHost__extensions__durableTask__hubName: durableTaskHubName

    // Telemetry with Microsoft Entra authentication (the component has local auth disabled, so the
    // connection string carries no credential).
    APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.properties.ConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.properties.clientId};Authorization=AAD'

    // Gemini: the key is a Key Vault reference, resolved by the platform with keyVaultReferenceIdentity.
    Gemini__ApiKey: '@Microsoft.KeyVault(SecretUri=${geminiApiKeySecretUri})'
    Gemini__BaseUrl: geminiBaseUrl
    Gemini__ApiVersion: geminiApiVersion

    // Webhooks: Gemini calls {PublicBaseUrl}/api/webhooks/gemini/{instanceId}.
    Webhooks__PublicBaseUrl: 'https://${functionApp.properties.defaultHostName}'
    Webhooks__JwksUrl: webhookJwksUrl
    Webhooks__Issuer: webhookIssuer
    Webhooks__Audience: webhookAudience
  }
}

// Deployments (azd deploy) authenticate with Microsoft Entra ID; basic (publishing profile) credentials
// are switched off.
resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: functionApp
  name: 'scm'
  properties: {
    allow: false
  }
}

resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: functionApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

@description('Name of the function app.')
output name string = functionApp.name

@description('Default host name of the function app.')
output defaultHostName string = functionApp.properties.defaultHostName

@description('Public base URL of the app (Webhooks__PublicBaseUrl).')
output baseUrl string = 'https://${functionApp.properties.defaultHostName}'
