#!/usr/bin/env bash
# The project's one test command (README "Test"; .ci/run calls exactly this).
# Installs what the tests need (Azurite from npm, Saxon-HE from Debian), then runs every test project.
# Azurite is started and stopped by the test fixtures themselves on free loopback ports.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
bash "$root/scripts/setup.sh"
dotnet test "$root/Impact60.sln" -c Release --nologo "$@"
