#!/usr/bin/env bash
# Installs the CidadesInteligentes edge agent on Raspberry Pi OS (Debian bookworm, arm64 or armhf).
#
#   sudo ./install.sh <published-agent-dir> --id sc-lum-000123 --city 3548906 --kind luminaire \
#        --lat -22.0175 --lon -47.8909 --broker mqtt.cidades.sp.gov.br [--port 8883 --tls true]
#
# <published-agent-dir> is the output of (recommended, Native AOT; docs/edge.md "Installing a new pole")
#   dotnet publish edge/CidadesInteligentes.Edge -c Release -r linux-arm64 -p:PublishAot=true
# or, without a C toolchain on the workstation,
#   dotnet publish edge/CidadesInteligentes.Edge -c Release -r linux-arm64 --self-contained -p:PublishTrimmed=true
# The script: creates the `cidades` system user, copies the agent to /opt/cidades-inteligentes/edge, writes
# /etc/cidades-inteligentes/edge.json with a FRESH per-device secret (via `provision`), enables I2C, installs and
# starts the systemd unit, then runs `doctor` and prints its pass/fail list. Re-running it keeps the existing secret.
#
# DESTDIR (tests only): when set, every file and directory goes under it instead of / (DESTDIR/opt/..., DESTDIR/etc/...,
# DESTDIR/var/lib/...). The user, group and systemctl commands still act on the running system, so a test puts stubs
# for them first on PATH (tests/CidadesInteligentes.Edge.Tests/Host/InstallScriptTests.cs).
set -euo pipefail

usage="usage: sudo $0 <published-agent-dir> --id ID --city IBGE --kind luminaire|hotspot --lat LAT --lon LON --broker HOST [--port N --tls true]"
case "${1:-}" in
  -h|--help) echo "$usage"; exit 0 ;;
  ""|-*) echo "$usage" >&2; exit 2 ;;
esac
src="$1"; shift
if [ ! -x "$src/CidadesInteligentes.Edge" ]; then
  echo "$src/CidadesInteligentes.Edge: not found or not executable (give the dotnet publish output folder)" >&2
  echo "$usage" >&2
  exit 2
fi
if [ "$(id -u)" -ne 0 ]; then echo "run as root: sudo $0 $src $*" >&2; exit 2; fi

root="${DESTDIR:-}"
home=/var/lib/cidades-inteligentes # the agent's state directory, as the running system sees it
prefix="$root/opt/cidades-inteligentes/edge"
etc="$root/etc/cidades-inteligentes"
state="$root$home"

getent group cidades >/dev/null || groupadd --system cidades
id -u cidades >/dev/null 2>&1 || useradd --system --gid cidades --home-dir "$home" --shell /usr/sbin/nologin cidades
for g in i2c gpio; do getent group "$g" >/dev/null && usermod -a -G "$g" cidades; done

install -d -m 0755 "$prefix"
cp -a "$src"/. "$prefix"/
# The technician's guide next to the program (the unit's Documentation= points here).
if [ -f "$(dirname "$0")/../../docs/edge.md" ]; then install -D -m 0644 "$(dirname "$0")/../../docs/edge.md" "$prefix/docs/edge.md"; fi
install -d -m 0750 -o cidades -g cidades "$state" "$state/outbox"
install -d -m 0750 -o root -g cidades "$etc"

# I2C bus for the power monitor and light sensor (Raspberry Pi OS helper, if present).
if command -v raspi-config >/dev/null 2>&1; then raspi-config nonint do_i2c 0 || true; fi

if [ -f "$etc/edge.json" ]; then
  echo "keeping existing $etc/edge.json (identity and secret unchanged)"
else
  "$prefix/CidadesInteligentes.Edge" provision --config "$etc/edge.json" "$@"
  chown root:cidades "$etc/edge.json"; chmod 0640 "$etc/edge.json"
fi

install -D -m 0644 "$(dirname "$0")/cidades-edge.service" "$root/etc/systemd/system/cidades-edge.service"
systemctl daemon-reload
systemctl enable --now cidades-edge.service

echo
echo "checking the installation:"
"$prefix/CidadesInteligentes.Edge" doctor --config "$etc/edge.json" || {
  echo "doctor found problems: fix them, then: sudo systemctl restart cidades-edge" >&2; exit 1; }
