#!/bin/sh
# azd postprovision hook (posix). azd runs it with the environment's values, including the outputs of
# infra/main.bicep, as environment variables. It only prints: where Gemini will call the app and what
# to do next. It never prints GEMINI_API_KEY.
set -eu

if [ -z "${WEBHOOK_BASE_URL:-}" ]; then
  echo "postprovision: WEBHOOK_BASE_URL is not set; did 'azd provision' finish? Nothing to report." >&2
  exit 0
fi

cat <<MSG

GeminiServerless is provisioned.

  Function app        ${AZURE_FUNCTION_NAME:-?} (resource group ${AZURE_RESOURCE_GROUP:-?})
  Webhook base URL    ${WEBHOOK_BASE_URL}
  Webhook of a job    ${WEBHOOK_BASE_URL}/{instanceId}
                      The app puts this URL in each Gemini job it creates (webhookConfig.uris); there is
                      nothing to register with Gemini. Calls are verified (signed JWT), not keyed.
  Key Vault           ${AZURE_KEY_VAULT_NAME:-?} (secret gemini-api-key)
  Storage account     ${AZURE_STORAGE_ACCOUNT_NAME:-?}

Next steps
  1. 'azd up' deploys the code now; after 'azd provision' alone, run 'azd deploy'.
  2. The front-end endpoints need a function key:
       az functionapp keys list -g ${AZURE_RESOURCE_GROUP:-<resource-group>} -n ${AZURE_FUNCTION_NAME:-<app>} --query functionKeys.default -o tsv
     then: POST ${AZURE_FUNCTION_URL:-https://<app>.azurewebsites.net}/api/pipelines?code=<key>
  3. Role assignments can take a few minutes to apply. If Gemini__ApiKey shows as an unresolved
     Key Vault reference, restart the app:
       az functionapp restart -g ${AZURE_RESOURCE_GROUP:-<resource-group>} -n ${AZURE_FUNCTION_NAME:-<app>}
  4. Rotate the Gemini key: azd env set GEMINI_API_KEY <new-key> && azd provision
MSG
