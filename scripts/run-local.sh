#!/usr/bin/env bash
# Runs GeminiServerless locally: Azurite (storage), the Gemini emulator and the Functions host (func start).
#
#   scripts/run-local.sh                 start everything; Ctrl+C stops it all
#   scripts/run-local.sh --sample [FILE] also upload FILE (default: a generated stand-in audio file) to the
#                                        'inputs' container, run the transcribe-summarize pipeline and print
#                                        the summary
#   scripts/run-local.sh --no-func       start Azurite and the emulator only (e.g. to run func yourself)
#
# With the sample settings no API key, tunnel or money is needed: the emulator plays Gemini and calls the
# webhook on http://127.0.0.1:7071. To use the real Gemini API, edit src/GeminiServerless.Functions/local.settings.json
# (Gemini__ApiKey, Gemini__BaseUrl, Webhooks__PublicBaseUrl = a public HTTPS tunnel to port 7071, Webhooks__JwksUrl,
# Webhooks__Issuer) and pass --no-emulator.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
functions_dir="$root/src/GeminiServerless.Functions"
state_dir="$root/.tmp/local"
emulator_url="http://127.0.0.1:8090"
functions_url="http://127.0.0.1:7071"
run_func=1 run_emulator=1 sample=0 sample_file=""

while [ $# -gt 0 ]; do
  case "$1" in
    --sample) sample=1; if [ $# -gt 1 ] && [ "${2#--}" = "$2" ]; then sample_file="$2"; shift; fi ;;
    --no-func) run_func=0 ;;
    --no-emulator) run_emulator=0 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done

need() { command -v "$1" >/dev/null 2>&1 || { echo "error: '$1' is not installed. $2" >&2; exit 1; }; }
need dotnet "Install the .NET 10 SDK: https://dotnet.microsoft.com/download"
need node "Install Node.js 20 or later (Azurite runs on it): https://nodejs.org"
need curl "Install curl."
need openssl "Install openssl (used to sign the sample upload to Azurite)."
if [ "$run_func" = 1 ] && ! command -v func >/dev/null 2>&1; then
  cat >&2 <<'MSG'
error: Azure Functions Core Tools ('func', version 4) is not installed. Install it, then run this script again:
  npm install -g azure-functions-core-tools@4 --unsafe-perm true     (any OS with Node.js)
  brew tap azure/functions && brew install azure-functions-core-tools@4   (macOS)
  winget install Microsoft.Azure.FunctionsCoreTools                   (Windows)
  https://learn.microsoft.com/azure/azure-functions/functions-run-local  (Linux packages)
Or run with --no-func to start only Azurite and the emulator.
MSG
  exit 1
fi

mkdir -p "$state_dir"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

wait_for() { # url, name
  for _ in $(seq 1 120); do curl -s -o /dev/null "$1" && return 0; sleep 0.5; done
  echo "error: $2 did not start (see $state_dir/*.log)" >&2; exit 1
}

echo "== Azurite (blob 10000, queue 10001, table 10002)"
if [ ! -f "$root/tests/node/node_modules/azurite/dist/src/azurite.js" ]; then
  (cd "$root/tests/node" && npm ci --no-audit --no-fund --loglevel=error)
fi
node "$root/tests/node/node_modules/azurite/dist/src/azurite.js" --silent --skipApiVersionCheck --loose \
  --location "$state_dir/azurite" --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 \
  >"$state_dir/azurite.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:10000/devstoreaccount1?comp=list" "Azurite"

if [ "$run_emulator" = 1 ]; then
  echo "== Gemini emulator on $emulator_url"
  dotnet run --project "$root/src/GeminiServerless.Emulator" -c Release -- --urls "$emulator_url" >"$state_dir/emulator.log" 2>&1 &
  pids+=($!)
  wait_for "$emulator_url/.well-known/jwks.json" "the emulator"
fi

if [ ! -f "$functions_dir/local.settings.json" ]; then
  cp "$root/local.settings.sample.json" "$functions_dir/local.settings.json"
  echo "created src/GeminiServerless.Functions/local.settings.json from local.settings.sample.json"
fi

if [ "$run_func" = 1 ]; then
  echo "== Functions host on $functions_url (func start)"
  (cd "$functions_dir" && func start --port 7071) >"$state_dir/func.log" 2>&1 &
  pids+=($!)
  wait_for "$functions_url/api/pipelines/p-0" "the Functions host"
fi

account=devstoreaccount1
account_key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
ms_version=2021-12-02

# Signs a request to Azurite's well-known development account (Shared Key).
shared_key() { # string-to-sign
  printf '%b' "$1" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$(printf '%s' "$account_key" | base64 -d | od -An -v -tx1 | tr -d ' \n')" -binary | base64 | tr -d '\n'
}

upload_blob() { # container, name, file, content type
  local date length sig
  date=$(LC_ALL=C date -u '+%a, %d %b %Y %H:%M:%S GMT')
  sig=$(shared_key "PUT\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:$date\nx-ms-version:$ms_version\n/$account/$account/$1\nrestype:container")
  curl -s -o /dev/null -X PUT -H "x-ms-date: $date" -H "x-ms-version: $ms_version" -H "Content-Length: 0" \
    -H "Authorization: SharedKey $account:$sig" "http://127.0.0.1:10000/$account/$1?restype=container"
  length=$(wc -c <"$3" | tr -d ' ')
  sig=$(shared_key "PUT\n\n\n$length\n\n$4\n\n\n\n\n\n\nx-ms-blob-type:BlockBlob\nx-ms-date:$date\nx-ms-version:$ms_version\n/$account/$account/$1/$2")
  curl -sf -o /dev/null -X PUT -H "x-ms-date: $date" -H "x-ms-version: $ms_version" -H "x-ms-blob-type: BlockBlob" \
    -H "Content-Type: $4" -H "Authorization: SharedKey $account:$sig" --data-binary "@$3" "http://127.0.0.1:10000/$account/$1/$2"
}

download_blob() { # container/name
  local date sig
  date=$(LC_ALL=C date -u '+%a, %d %b %Y %H:%M:%S GMT')
  sig=$(shared_key "GET\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:$date\nx-ms-version:$ms_version\n/$account/$account/$1")
  curl -sf -H "x-ms-date: $date" -H "x-ms-version: $ms_version" -H "Authorization: SharedKey $account:$sig" \
    "http://127.0.0.1:10000/$account/$1"
}

if [ "$sample" = 1 ]; then
  if [ -z "$sample_file" ]; then
    sample_file="$state_dir/sample.mp3"
    { printf 'ID3'; head -c 262144 /dev/zero | tr '\0' 'A'; } >"$sample_file"
  fi
  name="samples/$(basename "$sample_file")"
  echo "== uploading $sample_file to inputs/$name"
  upload_blob inputs "$name" "$sample_file" "audio/mpeg"
  if [ "$run_func" = 1 ]; then
    echo "== starting the transcribe-summarize pipeline"
    answer=$(curl -sf -X POST "$functions_url/api/pipelines" -H 'Content-Type: application/json' \
      -d "{\"pipeline\":\"transcribe-summarize\",\"input\":{\"audio\":\"$name\"}}")
    id=$(printf '%s' "$answer" | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
    echo "pipeline $id"
    for _ in $(seq 1 600); do
      status=$(curl -sf "$functions_url/api/pipelines/$id")
      state=$(printf '%s' "$status" | sed -n 's/.*"state":"\([A-Za-z]*\)".*/\1/p' | head -n1)
      case "$state" in Succeeded|Failed|Cancelled) break ;; esac
      sleep 1
    done
    echo "$status"
    summary_uri=$(printf '%s' "$status" | grep -o '"artifactUri":"[^"]*"' | tail -n1 | cut -d'"' -f4)
    if [ "$state" = Succeeded ] && [ -n "$summary_uri" ]; then
      echo "== summary ($summary_uri)"
      download_blob "${summary_uri#*devstoreaccount1/}"
      echo
    fi
    exit 0
  fi
fi

echo "running; logs in $state_dir. Ctrl+C to stop."
wait
