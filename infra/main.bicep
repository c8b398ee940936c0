// GeminiServerless: deployment for `azd up`.
// Subscription scope: creates the resource group, then the resources in it through the modules in
// ./modules. Native resources only (no registry modules), so `bicep build` works offline.
targetScope = 'subscription'

// ---- Parameters fed by the azd environment (main.parameters.json) ---------------------------------

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; names the resource group and seeds the unique resource token.')
param environmentName string

@minLength(1)
@description('Azure region for all resources. It must offer the Flex Consumption plan.')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Object id of the user or service principal running azd (AZURE_PRINCIPAL_ID). Empty: no data roles for it.')
param principalId string = ''

@description('Kind of principal that principalId names.')
@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
param principalType string = 'User'

@secure()
@minLength(1)
@description('Gemini API key (GEMINI_API_KEY). Stored only in Key Vault; never written to an app setting or an output.')
param geminiApiKey string

// ---- Application parameters (defaults suit most deployments) --------------------------------------

@description('Gemini API base URL.')
param geminiBaseUrl string = 'https://generativelanguage.googleapis.com'

@description('Gemini API version path segment: v1beta, or v1 as used by the @google/genai 3.x SDK.')
param geminiApiVersion string = 'v1beta'

@description('JWKS document that verifies the RS256 JWTs Gemini signs webhook deliveries with.')
param webhookJwksUrl string = 'https://generativelanguage.googleapis.com/.well-known/jwks.json'

@description('Expected `iss` of Gemini webhook JWTs. Empty: the app default.')
param webhookIssuer string = ''

@description('Expected `aud` of Gemini webhook JWTs. Empty: the delivery\'s own webhook URL.')
param webhookAudience string = ''

@description('Durable Functions task hub name (the same as host.json unless you run two apps on one account).')
param durableTaskHubName string = 'GeminiServerlessHub'

@description('Flex Consumption instance memory in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Flex Consumption maximum instance count: the scale-out (and cost) ceiling.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 100

// ---- Names -----------------------------------------------------------------------------------------

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}

var resourceGroupName = '${abbrs.resourcesResourceGroups}${environmentName}'
var functionAppName = '${abbrs.webSitesFunctions}api-${resourceToken}'
var deploymentContainerName = 'app-package-${take(functionAppName, 32)}-${take(toLower(uniqueString(functionAppName, resourceToken)), 7)}'
var geminiApiKeySecretName = 'gemini-api-key'

// Storage names the app uses (the app may create the tables too; creating them here is harmless).
var blobContainerNames = [
  'inputs'
  'artifacts'
]
var queueNames = [
  'pipeline-completed'
  'webhook-deadletter'
]
var tableNames = [
  'webhookledger'
  'jobledger'
]

// Route of the webhook function under the host's `api` route prefix.
var webhookRoute = 'api/webhooks/gemini'

// ---- Resources -------------------------------------------------------------------------------------

resource rg 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: resourceGroupName
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: '${abbrs.managedIdentityUserAssignedIdentities}api-${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: '${abbrs.storageStorageAccounts}${resourceToken}'
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
    blobContainerNames: blobContainerNames
    queueNames: queueNames
    tableNames: tableNames
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    applicationInsightsName: '${abbrs.insightsComponents}${resourceToken}'
    location: location
    tags: tags
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    name: '${abbrs.keyVaultVaults}${resourceToken}'
    location: location
    tags: tags
    geminiApiKeySecretName: geminiApiKeySecretName
    geminiApiKey: geminiApiKey
  }
}

module rbac 'modules/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    keyVaultName: keyVault.outputs.name
    identityPrincipalId: identity.outputs.principalId
    principalId: principalId
    principalType: principalType
  }
}

module functionApp 'modules/function-app.bicep' = {
  name: 'function-app'
  scope: rg
  params: {
    name: functionAppName
    planName: '${abbrs.webServerFarms}${resourceToken}'
    location: location
    tags: tags
    serviceName: 'api'
    identityName: identity.outputs.name
    storageAccountName: storage.outputs.name
    deploymentContainerName: deploymentContainerName
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    geminiApiKeySecretUri: keyVault.outputs.geminiApiKeySecretUri
    runtimeName: 'dotnet-isolated'
    runtimeVersion: '10.0'
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    geminiBaseUrl: geminiBaseUrl
    geminiApiVersion: geminiApiVersion
    webhookJwksUrl: webhookJwksUrl
    webhookIssuer: webhookIssuer
    webhookAudience: webhookAudience
    durableTaskHubName: durableTaskHubName
  }
  // The app resolves its Key Vault reference and opens host storage as soon as its settings exist:
  // grant the identity its roles first.
  dependsOn: [
    rbac
  ]
}

// ---- Outputs (azd stores them in .azure/<env>/.env; none is a secret) -------------------------------

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output RESOURCE_GROUP string = rg.name

output AZURE_FUNCTION_NAME string = functionApp.outputs.name
output SERVICE_API_NAME string = functionApp.outputs.name
output AZURE_FUNCTION_URL string = functionApp.outputs.baseUrl
@description('Gemini calls {WEBHOOK_BASE_URL}/{instanceId}; the app builds it from Webhooks__PublicBaseUrl.')
output WEBHOOK_BASE_URL string = '${functionApp.outputs.baseUrl}/${webhookRoute}'

output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_KEY_VAULT_ENDPOINT string = keyVault.outputs.uri
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_USER_ASSIGNED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output DURABLE_TASK_HUB_NAME string = durableTaskHubName
