# azd postprovision hook (Windows / PowerShell). azd runs it with the environment's values, including
# the outputs of infra/main.bicep, as environment variables. It only prints: where Gemini will call the
# app and what to do next. It never prints GEMINI_API_KEY.
$ErrorActionPreference = 'Stop'

function Get-Setting([string] $Name, [string] $Fallback = '?') {
    $value = [Environment]::GetEnvironmentVariable($Name)
    if ([string]::IsNullOrEmpty($value)) { return $Fallback }
    return $value
}

$webhookBaseUrl = [Environment]::GetEnvironmentVariable('WEBHOOK_BASE_URL')
if ([string]::IsNullOrEmpty($webhookBaseUrl)) {
    Write-Warning "postprovision: WEBHOOK_BASE_URL is not set; did 'azd provision' finish? Nothing to report."
    exit 0
}

$app = Get-Setting 'AZURE_FUNCTION_NAME' '<app>'
$resourceGroup = Get-Setting 'AZURE_RESOURCE_GROUP' '<resource-group>'
$appUrl = Get-Setting 'AZURE_FUNCTION_URL' 'https://<app>.azurewebsites.net'
$keyVault = Get-Setting 'AZURE_KEY_VAULT_NAME'
$storage = Get-Setting 'AZURE_STORAGE_ACCOUNT_NAME'

Write-Host @"

GeminiServerless is provisioned.

  Function app        $app (resource group $resourceGroup)
  Webhook base URL    $webhookBaseUrl
  Webhook of a job    $webhookBaseUrl/{instanceId}
                      The app puts this URL in each Gemini job it creates (webhookConfig.uris); there is
                      nothing to register with Gemini. Calls are verified (signed JWT), not keyed.
  Key Vault           $keyVault (secret gemini-api-key)
  Storage account     $storage

Next steps
  1. 'azd up' deploys the code now; after 'azd provision' alone, run 'azd deploy'.
  2. The front-end endpoints need a function key:
       az functionapp keys list -g $resourceGroup -n $app --query functionKeys.default -o tsv
     then: POST $appUrl/api/pipelines?code=<key>
  3. Role assignments can take a few minutes to apply. If Gemini__ApiKey shows as an unresolved
     Key Vault reference, restart the app:
       az functionapp restart -g $resourceGroup -n $app
  4. Rotate the Gemini key: azd env set GEMINI_API_KEY <new-key>; azd provision
"@
