#!/usr/bin/env bash
# Installs what Impact60's tests and local runs need, idempotently:
#  - Node packages pinned in package-lock.json (Azurite) via `npm ci`;
#  - Saxon-HE (Debian's libsaxonhe-java) and a headless Java runtime to run it (default-jre-headless: the Debian
#    package is a library and does not pull in a JRE) for the e-invoice Schematron rules;
#  - the .NET packages via `dotnet restore`.
# Everything already present: no apt-get, no npm, just the (no-op) restore.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if [ -f package-lock.json ]; then
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error
  fi
fi
packages=()
[ -f /usr/share/java/Saxon-HE.jar ] || packages+=(libsaxonhe-java)
command -v java >/dev/null 2>&1 || packages+=(default-jre-headless)
if [ "${#packages[@]}" -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup: ${packages[*]} missing and no apt-get here: install a Java runtime and Saxon-HE 9.9 (set SAXON_JAR to its jar)" >&2
    exit 1
  fi
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  echo "setup: installing ${packages[*]}" >&2
  "${sudo_cmd[@]}" apt-get update -qq
  # env inside sudo: sudo drops the caller's environment, so DEBIAN_FRONTEND must be set on its side.
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
  command -v java >/dev/null 2>&1 || { echo "setup: java is still not on PATH after installing ${packages[*]}" >&2; exit 1; }
fi
dotnet restore "$root/Impact60.sln" --nologo -v quiet
