#!/usr/bin/env bash
# Starts Azurite (pinned in package.json) in memory on loopback for local runs of the CLI or a local Functions host.
# Usage: scripts/azurite.sh [blobPort] [queuePort] [tablePort]   (defaults 10000 10001 10002)
#
# The defaults are Azurite's well-known ports, the ones the shorthand connection string
# AzureWebJobsStorage=UseDevelopmentStorage=true points at (blob 10000, queue 10001, table 10002 on 127.0.0.1).
# With other ports that shorthand no longer reaches this Azurite: use the full connection string printed below.
# Tests and `./impact60 demo` do not use this script: they start their own Azurite on free ports.
#
# Prints the connection string to put in AzureWebJobsStorage; stops with Ctrl+C (data is in memory only).
# Fails at once, naming the port, if one of the three is taken (often an Azurite that is still running).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
entry="$root/node_modules/azurite/dist/src/azurite.js"
if [ ! -f "$entry" ]; then
  echo "Azurite is not installed: run ./test.sh (or scripts/setup.sh, or npm ci) first." >&2
  exit 1
fi
if ! command -v node >/dev/null 2>&1; then
  echo "node is not on the PATH: install Node.js 20 (Azurite runs on it)." >&2
  exit 1
fi
blob="${1:-10000}"; queue="${2:-10001}"; table="${3:-10002}"

# Each port must be free on 127.0.0.1: try to listen on it, as Azurite is about to.
for entry_port in "blob:$blob" "queue:$queue" "table:$table"; do
  service="${entry_port%%:*}"; port="${entry_port#*:}"
  if ! [[ "$port" =~ ^[0-9]+$ ]] || [ "$port" -lt 1 ] || [ "$port" -gt 65535 ]; then
    echo "The $service port '$port' is not a port number (1-65535)." >&2
    exit 1
  fi
  if ! node -e '
      const server = require("net").createServer();
      server.once("error", () => process.exit(1));
      server.listen(Number(process.argv[1]), "127.0.0.1", () => server.close(() => process.exit(0)));
    ' "$port"; then
    default_hint=""
    if [ "$port" = "10000" ] || [ "$port" = "10001" ] || [ "$port" = "10002" ]; then
      default_hint=" (is another Azurite, or the storage emulator, still running?)"
    fi
    echo "Port $port for the $service service is already in use on 127.0.0.1$default_hint." >&2
    echo "Stop whatever holds it, or start on other ports, e.g. scripts/azurite.sh 20000 20001 20002," >&2
    echo "and then set AzureWebJobsStorage to the connection string this script prints (not UseDevelopmentStorage=true)." >&2
    exit 1
  fi
done

key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
echo "AzureWebJobsStorage=DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$blob/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue/devstoreaccount1;TableEndpoint=http://127.0.0.1:$table/devstoreaccount1;"
if [ "$blob$queue$table" = "100001000110002" ]; then
  echo "(on the default ports: AzureWebJobsStorage=UseDevelopmentStorage=true reaches it too)"
fi
exec node "$entry" --inMemoryPersistence --skipApiVersionCheck --silent --loose \
  --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 \
  --blobPort "$blob" --queuePort "$queue" --tablePort "$table"
