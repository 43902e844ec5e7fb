#!/usr/bin/env bash
# The whole system on one machine with only the .NET SDK: the cloud (embedded MQTT broker, SQLite, API, dashboard)
# with the 12 example municipalities, and a simulated fleet that replays last month quickly (one reading an hour per
# device, DEMO_INTERVAL), then keeps running in real time with a reading every 60 s per device (the simulator's
# --Telemetry:LiveIntervalSeconds default; the cloud calls a device offline after 300 s of silence). Last month's
# reports are written once the replay is done. Ctrl+C stops everything.
#
# Environment (all optional): DEMO_HTTP_PORT (8080) DEMO_MQTT_PORT (1883) DEMO_DATA (./data/demo, wiped at start)
#   DEMO_CITIES (12) DEMO_LUMINAIRES (50 per city; 200 = the full programme size, about 4× slower to replay) DEMO_HOTSPOTS (5 per city) DEMO_INTERVAL (telemetry s of the replay, 3600)
#   DEMO_START (UTC start of the replay; default: the first day of last month, 00:00 in São Paulo)
#   DEMO_EXIT_AFTER_REPORTS=1 (stop after writing the reports; used by the test)  DEMO_NO_BUILD=1
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
http_port=${DEMO_HTTP_PORT:-8080}
mqtt_port=${DEMO_MQTT_PORT:-1883}
data=${DEMO_DATA:-$root/data/demo}
cities=${DEMO_CITIES:-12}
luminaires=${DEMO_LUMINAIRES:-50}
hotspots=${DEMO_HOTSPOTS:-5}
interval=${DEMO_INTERVAL:-3600}
step=${DEMO_STEP:-900}
config=${DEMO_CONFIGURATION:-Release}

if [ "${DEMO_NO_BUILD:-0}" != 1 ]; then
  echo "building (first run takes a minute)..."
  dotnet build cloud/CidadesInteligentes.Cloud -c "$config" -nologo -clp:ErrorsOnly -v q
  dotnet build firmware-sim/CidadesInteligentes.FirmwareSim -c "$config" -nologo -clp:ErrorsOnly -v q
fi
cloud_dll=$root/cloud/CidadesInteligentes.Cloud/bin/$config/net10.0/CidadesInteligentes.Cloud.dll
sim_dll=$root/firmware-sim/CidadesInteligentes.FirmwareSim/bin/$config/net10.0/CidadesInteligentes.FirmwareSim.dll

rm -rf "$data"; mkdir -p "$data"
# no built-in password or key: a fresh operator key for this run
key=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
echo "operator $key demo-operator" > "$data/keys.txt"
# the cloud rewrites its registry file on an accepted PUT /api/registry: give it a copy, not the repository's file
cp "$root/cloud/registry/demo-registry.json" "$data/registry.json"

# São Paulo has had no daylight saving time since 2019: local midnight is 03:00 UTC
first_of_month=$(date -u +%Y-%m-01)
last_month=$(date -u -d "$first_of_month -1 month" +%Y-%m)
start=${DEMO_START:-${last_month}-01T03:00:00Z}

pids=()
cleanup() {
  trap - INT TERM EXIT
  echo; echo "stopping..."
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap cleanup INT TERM EXIT

dotnet "$cloud_dll" --urls "http://127.0.0.1:$http_port" --Broker:Port "$mqtt_port" --Storage:Directory "$data" \
  --Registry:File "$data/registry.json" --Api:KeysFile "$data/keys.txt" --Ingest:MaxAgeDays 400 \
  --Reports:Enabled false --Logging:LogLevel:Default Warning > "$data/cloud.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 240); do
  grep -q '^Dashboard:' "$data/cloud.log" 2>/dev/null && break
  kill -0 "${pids[0]}" 2>/dev/null || { echo "the cloud did not start:"; cat "$data/cloud.log"; exit 1; }
  sleep 0.5
done

echo
echo "Dashboard:     http://127.0.0.1:$http_port/"
echo "MQTT broker:   127.0.0.1:$mqtt_port"
echo "Operator key:  $key   (for sending commands from the device page)"
echo "Replaying $cities cities × ($luminaires luminaires + $hotspots Wi-Fi points) from $start, then live."
echo

dotnet "$sim_dll" --Mqtt:Port "$mqtt_port" --Fleet:Cities "$cities" --Fleet:LuminairesPerCity "$luminaires" \
  --Fleet:HotspotsPerCity "$hotspots" --Fleet:DataDirectory "$data/fleet" --Clock:Start "$start" --Clock:Until live \
  --Clock:Speed max --Clock:StepSeconds "$step" --Mqtt:MaxInFlight 32 --Telemetry:IntervalSeconds "$interval" --Fault:NonCompliantWifi 1 > "$data/fleet.log" 2>&1 &
pids+=($!)

# wait until the replay reaches the current month, then write last month's reports
while :; do
  kill -0 "${pids[1]}" 2>/dev/null || { echo "the simulator stopped:"; tail -20 "$data/fleet.log"; exit 1; }
  line=$(grep -E '^[0-9]{4}-[0-9]{2}-[0-9]{2} ' "$data/fleet.log" | tail -1 || true)
  [ -n "$line" ] && echo "  simulated $line"
  sim_day=${line%% *}
  if [ -n "$sim_day" ] && [[ "$sim_day" > "$first_of_month" || "$sim_day" == "$first_of_month" ]]; then break; fi
  sleep 5
done
sleep 3
echo "writing the reports for $last_month..."
# the report command reads the same SQLite store and writes the reports into it (and into $data/reports);
# it exits 2 when a city is not compliant, which the demo expects (one Wi-Fi point is made to fail)
dotnet "$cloud_dll" report --month "$last_month" --out "$data/reports" --Storage:Directory "$data" \
  --Registry:File "$data/registry.json" --Logging:LogLevel:Default Warning || true
echo "Reports: http://127.0.0.1:$http_port/api/reports?month=$last_month  (each as .html .pdf .csv .json)"
if [ "${DEMO_EXIT_AFTER_REPORTS:-0}" = 1 ]; then exit 0; fi
echo "The fleet keeps running in real time (a reading every 60 s per device); Ctrl+C stops everything."
wait "${pids[1]}"
