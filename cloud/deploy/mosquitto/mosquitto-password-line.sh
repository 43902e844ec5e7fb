#!/usr/bin/env bash
# Prints this device's line for Mosquitto's password file (docs/operations.md, "Mosquitto for the devices").
#
#   sudo ./mosquitto-password-line.sh [/etc/cidades-inteligentes/edge.json]
#
# Run it on the pole after `provision`, and send the printed line (never the secret) to the operations centre. The
# line `provision` prints is the embedded broker's pbkdf2-sha256 hash, which Mosquitto cannot read; this one is
# Mosquitto's own form, `id:$7$101$<salt>$<hash>` (PBKDF2-HMAC-SHA512, the 101 iterations mosquitto_passwd uses: the
# secrets are 256 random bits, stretching is not what protects them). Needs OpenSSL 3 (`apt-get install openssl`).
# The secret is handed to openssl on its command line for the moment it runs: run this as root on the pole only.
set -euo pipefail

usage="usage: sudo $0 [edge.json written by provision; default /etc/cidades-inteligentes/edge.json]"
case "${1:-}" in
  -h|--help) echo "$usage"; exit 0 ;;
  -*) echo "$usage" >&2; exit 2 ;;
esac
config="${1:-/etc/cidades-inteligentes/edge.json}"
if [ ! -r "$config" ]; then echo "$config: not found or not readable (run provision first, and this as root)" >&2; exit 2; fi
id=$(sed -n 's/^ *"Id": *"\([a-z0-9-]*\)".*/\1/p' "$config" | head -n 1)
secret=$(sed -n 's/^ *"Password": *"\([A-Za-z0-9_-]*\)".*/\1/p' "$config" | head -n 1)
if [ -z "$id" ] || [ -z "$secret" ]; then echo "$config: no Device:Id or Mqtt:Password in it (run provision first)" >&2; exit 2; fi
if ! openssl kdf -help >/dev/null 2>&1; then echo "openssl 3 (with the kdf command) is needed: apt-get install openssl" >&2; exit 2; fi

salt=$(openssl rand -hex 12)
hash=$(openssl kdf -binary -keylen 64 -kdfopt digest:SHA512 -kdfopt iter:101 -kdfopt "hexsalt:$salt" -kdfopt "pass:$secret" PBKDF2 | base64 -w 0)
salt64=$(printf '%b' "$(printf '%s' "$salt" | sed 's/../\\x&/g')" | base64 -w 0)
printf '%s:$7$101$%s$%s\n' "$id" "$salt64" "$hash"
