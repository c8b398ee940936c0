// Key Vault in RBAC mode holding the Gemini API key. The key arrives as a secure parameter (fed by the
// azd environment), is written only here, and is read by the function app through a Key Vault reference
// resolved with its managed identity (Key Vault Secrets User, see rbac.bicep). It is never an output.

@description('Key Vault name: 3-24 letters, digits and hyphens, globally unique.')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region of the vault.')
param location string

@description('Tags applied to the vault.')
param tags { *: string }

@description('Name of the secret that holds the Gemini API key.')
param geminiApiKeySecretName string

@secure()
@description('The Gemini API key. Written to the secret; never logged or output.')
param geminiApiKey string

@description('Days a deleted vault or secret stays recoverable (7-90). `azd down --purge` purges it at once.')
@minValue(7)
@maxValue(90)
param softDeleteRetentionInDays int = 7

resource vault 'Microsoft.KeyVault/vaults@2025-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    // Access is granted with Azure RBAC role assignments only; no access policies.
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: softDeleteRetentionInDays
    // Purge protection is left off so that `azd down --purge` can remove the vault; turn it on for
    // production (it cannot be turned off again).
    enabledForDeployment: false
    enabledForDiskEncryption: false
    enabledForTemplateDeployment: false
    // No virtual network in this template: the app resolves its Key Vault reference over the public
    // endpoint, authenticated with its managed identity.
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

resource geminiApiKeySecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = {
  parent: vault
  name: geminiApiKeySecretName
  properties: {
    value: geminiApiKey
    contentType: 'text/plain'
    attributes: {
      enabled: true
    }
  }
}

@description('Name of the vault.')
output name string = vault.name

@description('Vault URI, e.g. https://kv-xxxx.vault.azure.net/.')
output uri string = vault.properties.vaultUri

@description('Versionless URI of the Gemini API key secret (a Key Vault reference to it follows rotations).')
output geminiApiKeySecretUri string = geminiApiKeySecret.properties.secretUri
