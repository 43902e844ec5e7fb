#!/usr/bin/env bash
# Runs every test of the solution against real servers (Mosquitto, influxd, Chromium).
# Installs the Debian packages the integration tests need when they are missing, then prints
# one closing line: "tests: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

need=()
command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || need+=(mosquitto)
command -v mosquitto_pub >/dev/null 2>&1 || need+=(mosquitto-clients)
command -v influxd >/dev/null 2>&1 || need+=(influxdb)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
# the edge's Native AOT publish test links with the system C toolchain and zlib
command -v clang >/dev/null 2>&1 || command -v gcc >/dev/null 2>&1 || need+=(clang)
[ -e /usr/include/zlib.h ] || need+=(zlib1g-dev)
# the Raspberry Pi build (Native AOT linux-arm64) is cross-compiled here and run under qemu: the arm64 C runtime,
# clang and lld (gcc cannot target another architecture), the aarch64 objcopy and qemu-user (docs/edge.md, "Building for the device")
arm64=()
command -v clang >/dev/null 2>&1 || arm64+=(clang)
command -v ld.lld >/dev/null 2>&1 || arm64+=(lld)
[ -e /usr/lib/aarch64-linux-gnu/libc.so ] || arm64+=(libc6-dev:arm64)
[ -e /usr/lib/gcc-cross/aarch64-linux-gnu ] || ls -d /usr/lib/gcc/aarch64-linux-gnu/*/ >/dev/null 2>&1 || arm64+=(libgcc-12-dev:arm64)
[ -e /usr/include/aarch64-linux-gnu/zlib.h ] || [ -e /usr/lib/aarch64-linux-gnu/libz.so ] || arm64+=(zlib1g-dev:arm64)
command -v aarch64-linux-gnu-objcopy >/dev/null 2>&1 || arm64+=(binutils-aarch64-linux-gnu)
command -v qemu-aarch64-static >/dev/null 2>&1 || command -v qemu-aarch64 >/dev/null 2>&1 || arm64+=(qemu-user-static)
[ "$(uname -m)" = x86_64 ] || arm64=()
sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
if [ ${#need[@]} -gt 0 ]; then
  echo "installing Debian packages the tests need: ${need[*]}"
  $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${need[@]}" \
    || echo "warning: could not install ${need[*]}; the tests that need them will fail and say so"
fi
# separately, so that a mirror without arm64 packages never keeps the servers above from installing
if [ ${#arm64[@]} -gt 0 ]; then
  echo "installing Debian packages the arm64 cross-build test needs: ${arm64[*]}"
  added=""
  if printf '%s\n' "${arm64[@]}" | grep -q ':arm64$' && ! dpkg --print-foreign-architectures | grep -qx arm64; then
    $sudo_cmd dpkg --add-architecture arm64 && added=yes
  fi
  if ! { $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${arm64[@]}"; }; then
    echo "warning: could not install ${arm64[*]}; the arm64 cross-build test will fail and say so"
    # a mirror without arm64 indexes would otherwise fail every later apt-get update on this machine
    [ -z "$added" ] || { $sudo_cmd dpkg --remove-architecture arm64; $sudo_cmd apt-get update -qq; }
  fi
fi

results=TestResults/run
rm -rf "$results"; mkdir -p "$results"
dotnet build CidadesInteligentes.Iot.sln -c Debug -nologo -clp:ErrorsOnly
build=$?
if [ $build -ne 0 ]; then
  echo "build failed"
  echo "tests: 0 passed, 1 failed"
  exit 1
fi
dotnet test CidadesInteligentes.Iot.sln --no-build -c Debug -nologo \
  --logger "trx" --logger "console;verbosity=minimal" --results-directory "$results" \
  --blame-hang-timeout 5m -- "$@"
rc=$?

passed=0; failed=0
for f in "$results"/*.trx; do
  [ -f "$f" ] || continue
  line=$(grep -o '<Counters [^>]*' "$f" | head -1)
  p=$(echo "$line" | grep -o ' passed="[0-9]*"' | grep -o '[0-9]*'); passed=$((passed + ${p:-0}))
  x=$(echo "$line" | grep -o ' failed="[0-9]*"' | grep -o '[0-9]*'); failed=$((failed + ${x:-0}))
  e=$(echo "$line" | grep -o ' error="[0-9]*"' | grep -o '[0-9]*'); failed=$((failed + ${e:-0}))
  t=$(echo "$line" | grep -o ' timeout="[0-9]*"' | grep -o '[0-9]*'); failed=$((failed + ${t:-0}))
  a=$(echo "$line" | grep -o ' aborted="[0-9]*"' | grep -o '[0-9]*'); failed=$((failed + ${a:-0}))
done
if [ $rc -ne 0 ] && [ $failed -eq 0 ]; then failed=1; echo "dotnet test exited $rc (a test host crashed or hung)"; fi
echo "tests: $passed passed, $failed failed"
[ $failed -eq 0 ] && [ $rc -eq 0 ]
