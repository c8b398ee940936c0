// User-assigned managed identity of the function app. It is the only principal that reaches storage,
// Application Insights and Key Vault at run time (see rbac.bicep), so no key or connection secret is needed.

@description('Name of the user-assigned managed identity.')
param name string

@description('Azure region of the identity.')
param location string

@description('Tags applied to the identity.')
param tags { *: string }

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

@description('Resource id of the identity (site identity, Key Vault reference identity, deployment storage).')
output id string = identity.id

@description('Name of the identity.')
output name string = identity.name

@description('Client (application) id: what the app passes to DefaultAzureCredential / ManagedIdentityCredential.')
output clientId string = identity.properties.clientId

@description('Object (principal) id: what role assignments grant roles to.')
output principalId string = identity.properties.principalId
