#!/usr/bin/env bash
# Starts Azurite (pinned in package.json) in memory on loopback for local runs and the demo.
# Usage: scripts/azurite.sh [blobPort] [queuePort] [tablePort]   (defaults 10000 10001 10002)
# Prints the connection string to put in AzureWebJobsStorage; stops with Ctrl+C (data is in memory only).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
entry="$root/node_modules/azurite/dist/src/azurite.js"
if [ ! -f "$entry" ]; then
  echo "Azurite is not installed: run ./test.sh (or scripts/setup.sh) first." >&2
  exit 1
fi
blob="${1:-10000}"; queue="${2:-10001}"; table="${3:-10002}"
key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
echo "AzureWebJobsStorage=DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$blob/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue/devstoreaccount1;TableEndpoint=http://127.0.0.1:$table/devstoreaccount1;"
exec node "$entry" --inMemoryPersistence --skipApiVersionCheck --silent --loose \
  --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 \
  --blobPort "$blob" --queuePort "$queue" --tablePort "$table"
