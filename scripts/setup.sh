#!/usr/bin/env bash
# Installs what Impact60's tests and local runs need, idempotently:
#  - Node packages pinned in package-lock.json (Azurite) via `npm ci`;
#  - Saxon-HE (Debian's libsaxonhe-java) to run the e-invoice Schematron rules;
#  - the .NET packages via `dotnet restore`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if [ -f package-lock.json ]; then
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error
  fi
fi
if [ ! -f /usr/share/java/Saxon-HE.jar ]; then
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq libsaxonhe-java >/dev/null
fi
dotnet restore "$root/Impact60.sln" --nologo -v quiet
