#!/usr/bin/env bash
# Deploys a fleet of database guests from one golden image, shows that a guest's write is gone after a
# power cycle (autoreset) and prints the disk space the fleet saves against full copies.
#
#   DISKFLEET_URL=http://localhost:8080 examples/deploy-db-fleet.sh
#
# The token (admin: the example makes images and fleets) comes from DISKFLEET_TOKEN or, without it, from
# the file the service writes at its first start: ${DISKFLEET_DATA_DIR:-./data}/admin-token.
#
# Needs bash, curl and jq; uses qemu-img when present to upload the golden image as VDI (a raw upload
# works too: the fleet's base clone is made in VDI either way).
#
# Database guests: with the service on QEMU, GOLDEN a database golden (examples/golden/build-golden.sh builds
# one, Redis on port 6379) and DB_PORT its port, each guest gets a forward of DB_PORT from a host port of its
# own; the example waits until each answers there, writes a row into each, prints the inventory, and
# power-cycles one to show its row gone (autoreset):
#
#   examples/golden/build-golden.sh golden.qcow2
#   GOLDEN=golden.qcow2 DB_PORT=6379 FLEET_SIZE=3 DISKFLEET_URL=http://localhost:8080 examples/deploy-db-fleet.sh
#
# Real guests: when the service runs guests under QEMU (GET /api/host says driver qemu) and GOLDEN names
# a bootable disk, the fleet boots from it instead:
#
#   GOLDEN=guest.raw FLEET_SIZE=3 DISKFLEET_URL=http://localhost:8080 examples/deploy-db-fleet.sh
#
# That disk's guest must print its SMBIOS serial number (Diskfleet passes the machine id) on the serial
# console with what it found on its disk and that it wrote there, and then power off, as the test guest of
# the test suite does (dev.diskfleet.support.TestGuest): "DISKFLEET-GUEST <id> found: <last writer>",
# "DISKFLEET-GUEST <id> wrote".
set -euo pipefail

BASE_URL="${DISKFLEET_URL:-http://localhost:8080}"
FLEET_SIZE_ASKED="${FLEET_SIZE:-}"
FLEET_SIZE="${FLEET_SIZE:-10}"
# Machine names are unique across the service: a short random tag lets the example run again and again.
RUN_ID="$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')"
PREFIX="${MACHINE_PREFIX:-db-$RUN_ID}"
WORK="$(mktemp -d)"
GOLDEN_ID=""
FLEET_ID=""

# On failure (or Ctrl-C) the example takes back what it made: the fleet (its running guests are stopped
# first) and the golden image. After a run that went through, both stay for you to look at, unless
# CLEANUP=always; delete them with the two DELETEs printed at the end.
cleanup() {
  local status=$?
  if [[ "$status" -ne 0 || "${CLEANUP:-}" == always ]] && [[ -r "$WORK/auth-header" ]]; then
    [[ "$status" -ne 0 ]] && echo "cleaning up after the failure: fleet ${FLEET_ID:-none}, golden ${GOLDEN_ID:-none}" >&2
    if [[ -n "$FLEET_ID" ]]; then
      # The fleet goes in an operation (202): wait for it before the golden goes.
      local op
      op="$(curl -sS -H "@$WORK/auth-header" -X DELETE "$BASE_URL/api/fleets/$FLEET_ID?force=true" | jq -r '.id // empty')" || true
      if [[ -n "$op" ]]; then
        curl -sS -o /dev/null -H "@$WORK/auth-header" "$BASE_URL/api/operations/$op/wait?timeout=60" || true
      fi
    fi
    if [[ -n "$GOLDEN_ID" ]]; then
      curl -sS -o /dev/null -H "@$WORK/auth-header" -X DELETE "$BASE_URL/api/images/$GOLDEN_ID" || true
    fi
  fi
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

TOKEN_FILE="${DISKFLEET_DATA_DIR:-./data}/admin-token"
TOKEN="${DISKFLEET_TOKEN:-}"
if [[ -z "$TOKEN" && -r "$TOKEN_FILE" ]]; then
  TOKEN="$(tr -d '[:space:]' <"$TOKEN_FILE")"
fi
if [[ -z "$TOKEN" ]]; then
  echo "no token: set DISKFLEET_TOKEN, or run where $TOKEN_FILE is readable" >&2
  exit 1
fi
# The header goes to curl through a private file, so the secret does not show in the process list.
(umask 077 && printf 'Authorization: Bearer %s\n' "$TOKEN" >"$WORK/auth-header")

step() { printf '\n== %s\n' "$*"; }

# api METHOD PATH [curl args...]: prints the body; fails with the problem's detail on an HTTP error.
api() {
  local method="$1" path="$2"
  shift 2
  local status
  status="$(curl -sS -o "$WORK/body" -w '%{http_code}' -H "@$WORK/auth-header" -X "$method" "$@" "$BASE_URL$path")"
  if [[ "$status" -ge 400 ]]; then
    echo "FAILED: $method $path -> HTTP $status: $(jq -r '.detail // .' "$WORK/body" 2>/dev/null || cat "$WORK/body")" >&2
    exit 1
  fi
  cat "$WORK/body"
}

json_post() { api POST "$1" -H 'Content-Type: application/json' -H "Idempotency-Key: $RUN_ID-$3" -d "$2"; }

# wait_for OPERATION_ID: long-polls until the operation finishes; prints it; fails when it failed.
wait_for() {
  local op state
  while true; do
    op="$(api GET "/api/operations/$1/wait?timeout=30")"
    state="$(jq -r .state <<<"$op")"
    case "$state" in
      succeeded) echo "$op"; return 0 ;;
      failed) echo "FAILED: operation $1: $(jq -r .error.detail <<<"$op")" >&2; exit 1 ;;
    esac
  done
}

# power ACTION: start, stop or reset of the whole fleet, as an operation; prints its result (one entry per
# machine); fails when a machine failed (wait_for prints which).
power() {
  local op
  op="$(api POST "/api/fleets/$FLEET_ID/$1" -H "Idempotency-Key: $RUN_ID-$1" | jq -r .id)"
  wait_for "$op" | jq .result
}

# read_guest MACHINE_ID ATTACHMENT_ID LENGTH: the first LENGTH bytes of the disk as that guest sees it.
read_guest() {
  api GET "/api/machines/$1/attachments/$2/data" -H "Range: bytes=0-$(($3 - 1))" | tr -d '\0'
}

DRIVER="$(api GET /api/host | jq -r .driver)"
if [[ -n "${GOLDEN:-}" && -n "${DB_PORT:-}" && "$DRIVER" == qemu ]]; then
  FLEET_SIZE="${FLEET_SIZE_ASKED:-3}"
  BOOT_SECONDS="${BOOT_SECONDS:-600}"

  # redis PORT ARGS...: one Redis command over 127.0.0.1:PORT (RESP over bash's /dev/tcp); prints the
  # reply's value ("PONG", "OK", a string) or "(nil)"; fails when nothing answers.
  redis() {
    local port="$1" arg line
    shift
    exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
    { printf '*%d\r\n' "$#"; for arg in "$@"; do printf '$%d\r\n%s\r\n' "${#arg}" "$arg"; done; } >&3
    IFS= read -r -t 10 line <&3 || { exec 3<&-; return 1; }
    line="${line%$'\r'}"
    case "$line" in
      '$-1') echo "(nil)" ;;
      '$'*) IFS= read -r -t 10 line <&3; echo "${line%$'\r'}" ;;
      *) echo "${line:1}" ;;
    esac
    exec 3<&-
  }

  # await_answer PORT: waits until the database on PORT answers PING.
  await_answer() {
    local deadline=$((SECONDS + BOOT_SECONDS))
    until [[ "$(redis "$1" PING 2>/dev/null)" == PONG ]]; do
      ((SECONDS < deadline)) || { echo "FAILED: nothing answers on 127.0.0.1:$1 after ${BOOT_SECONDS}s" >&2; exit 1; }
      sleep 1
    done
  }

  step "1. A bootable database golden: $GOLDEN ($(stat -c %s "$GOLDEN") bytes); guests run under QEMU here"
  GOLDEN_ID="$(api PUT "/api/images/uploads?name=golden-db-$RUN_ID&type=normal" \
    -H 'Content-Type: application/octet-stream' -H "Idempotency-Key: $RUN_ID-upload" -T "$GOLDEN" | jq -r .id)"
  echo "golden image: $GOLDEN_ID"

  step "2. Deploy $FLEET_SIZE database guests (autoreset on), each with a forward of port $DB_PORT"
  OPERATION_ID="$(json_post /api/fleets "$(jq -n --arg name "db-fleet-$RUN_ID" --arg golden "$GOLDEN_ID" \
    --argjson size "$FLEET_SIZE" --arg prefix "$PREFIX" --argjson port "$DB_PORT" '{name: $name,
    goldenImageId: $golden, size: $size, machineNamePrefix: $prefix, autoReset: true, start: true,
    network: {mode: "user", outbound: false, forwards: [{guestPort: $port}]}}')" deploy | jq -r .id)"
  FLEET_ID="$(wait_for "$OPERATION_ID" | jq -r .targetId)"
  INVENTORY="$(api GET "/api/fleets/$FLEET_ID/inventory")"
  mapfile -t NAMES < <(jq -r '.machines[].name' <<<"$INVENTORY")
  mapfile -t IDS < <(jq -r '.machines[].id' <<<"$INVENTORY")
  mapfile -t PORTS < <(jq -r --arg key "$DB_PORT/tcp" '.machines[].forwards[$key] | split(":") | last' <<<"$INVENTORY")
  for i in "${!NAMES[@]}"; do echo "${NAMES[$i]}: 127.0.0.1:${PORTS[$i]} -> guest port $DB_PORT"; done

  step "3. Wait until every guest's database answers on its own port"
  for i in "${!NAMES[@]}"; do
    await_answer "${PORTS[$i]}"
    echo "${NAMES[$i]} answers on 127.0.0.1:${PORTS[$i]}"
  done

  step "4. Write a row into each guest's database"
  for i in "${!NAMES[@]}"; do
    [[ "$(redis "${PORTS[$i]}" SET diskfleet-example "row of ${NAMES[$i]}")" == OK ]] \
      || { echo "FAILED: ${NAMES[$i]} refused the write" >&2; exit 1; }
    echo "${NAMES[$i]} holds: $(redis "${PORTS[$i]}" GET diskfleet-example)"
  done

  step "5. The inventory, for Ansible"
  api GET "/api/fleets/$FLEET_ID/inventory?format=ansible"

  step "6. Power-cycle ${NAMES[0]}: autoreset empties its disk at power-on"
  api POST "/api/machines/${IDS[0]}/reset" >/dev/null
  await_answer "${PORTS[0]}"
  SEEN="$(redis "${PORTS[0]}" GET diskfleet-example)"
  echo "${NAMES[0]} holds: $SEEN"
  [[ "$SEEN" == "(nil)" ]] || { echo "FAILED: the row survived the power cycle" >&2; exit 1; }
  echo "autoreset: the row is gone from ${NAMES[0]}"
  if [[ "${#NAMES[@]}" -gt 1 ]]; then
    echo "${NAMES[1]} still holds: $(redis "${PORTS[1]}" GET diskfleet-example)"
  fi

  step "7. Space"
  FLEET="$(api GET "/api/fleets/$FLEET_ID")"
  echo "deployed ${#NAMES[@]} database guests; space saved: $(jq .usage.savedBytes <<<"$FLEET") bytes against" \
    "${#NAMES[@]} full copies"
  if [[ "${CLEANUP:-}" != always ]]; then
    echo "the fleet runs on; stop and remove it with:"
    echo "  curl -X DELETE -H \"Authorization: Bearer \$TOKEN\" '$BASE_URL/api/fleets/$FLEET_ID?force=true'"
  fi
  exit 0
fi
if [[ -n "${GOLDEN:-}" && "$DRIVER" == qemu ]]; then
  FLEET_SIZE="${FLEET_SIZE_ASKED:-3}"
  BOOT_SECONDS="${BOOT_SECONDS:-600}"

  # console_of MACHINE_ID: the guest's console lines that name it.
  console_of() { api GET "/api/machines/$1/console?tail=200" | grep -F "$1" || true; }

  # await_power_off MACHINE_ID...: waits until every guest has powered itself off.
  await_power_off() {
    local deadline=$((SECONDS + BOOT_SECONDS)) id
    for id in "$@"; do
      until [[ "$(api GET "/api/machines/$id" | jq -r .state)" == poweredOff ]]; do
        ((SECONDS < deadline)) || { echo "FAILED: guest $id still runs after ${BOOT_SECONDS}s" >&2; exit 1; }
        sleep 1
      done
    done
  }

  step "1. A bootable golden disk: $GOLDEN ($(stat -c %s "$GOLDEN") bytes); guests run under QEMU here"
  step "2. Upload it as a normal image"
  GOLDEN_ID="$(api PUT "/api/images/uploads?name=golden-guest-$RUN_ID&type=normal" \
    -H 'Content-Type: application/octet-stream' -H "Idempotency-Key: $RUN_ID-upload" -T "$GOLDEN" | jq -r .id)"
  echo "golden image: $GOLDEN_ID"

  step "3. Deploy $FLEET_SIZE guests from it (booted, autoreset on); each writes into its own disk"
  OPERATION_ID="$(json_post /api/fleets "$(jq -n --arg name "guest-fleet-$RUN_ID" --arg golden "$GOLDEN_ID" \
    --argjson size "$FLEET_SIZE" --arg prefix "$PREFIX" '{name: $name, goldenImageId: $golden, size: $size,
    machineNamePrefix: $prefix, autoReset: true, start: true}')" deploy | jq -r .id)"
  FLEET_URL="$(wait_for "$OPERATION_ID" | jq -r .resourceUrl)"
  FLEET_ID="$(api GET "$FLEET_URL" | jq -r .id)"
  mapfile -t MACHINES < <(api GET "$FLEET_URL" | jq -r '.machines[].machineId')
  echo "deployed ${#MACHINES[@]} machines in fleet $FLEET_ID"
  await_power_off "${MACHINES[@]}"
  for id in "${MACHINES[@]}"; do
    console_of "$id"
    console_of "$id" | grep -qF "$id wrote" || { echo "FAILED: guest $id did not write" >&2; exit 1; }
  done

  step "4. Power-cycle the fleet: every guest boots again"
  POWER="$(power reset)"
  echo "reset: $(jq .succeeded <<<"$POWER") of $(jq .total <<<"$POWER") machines power-cycled"
  await_power_off "${MACHINES[@]}"

  step "5. The writes are gone: autoreset emptied each guest's disk at power-on"
  for id in "${MACHINES[@]}"; do
    console_of "$id" | grep -F found
    if console_of "$id" | grep -qF "found: $id"; then
      echo "FAILED: guest $id found its own earlier write" >&2; exit 1
    fi
  done
  echo "autoreset: the write is gone, every guest found its disk as the golden left it"

  step "6. Space"
  FLEET="$(api GET "/api/fleets/$FLEET_ID")"
  echo "deployed ${#MACHINES[@]} machines; space saved: $(jq .usage.savedBytes <<<"$FLEET") bytes against" \
    "${#MACHINES[@]} full copies"
  exit 0
fi

step "1. A golden disk with content we can recognise (64 MiB, a marker at the start of every 4 MiB)"
truncate -s 64M "$WORK/golden.raw"
for mib in $(seq 0 4 63); do
  printf 'GOLDEN-DB-IMAGE block %02d\n' "$mib" | dd of="$WORK/golden.raw" bs=1M seek="$mib" conv=notrunc status=none
done
GOLDEN_FILE="$WORK/golden.raw"
if command -v qemu-img >/dev/null 2>&1; then
  qemu-img convert -f raw -O vdi "$WORK/golden.raw" "$WORK/golden.vdi"
  GOLDEN_FILE="$WORK/golden.vdi"
fi
echo "golden file: $(basename "$GOLDEN_FILE") ($(stat -c %s "$GOLDEN_FILE") bytes)"

step "2. Upload it as a normal image"
GOLDEN_ID="$(api POST "/api/images/uploads?name=golden-db-$RUN_ID&type=normal" \
  -H 'Content-Type: application/octet-stream' -H "Idempotency-Key: $RUN_ID-upload" \
  --data-binary "@$GOLDEN_FILE" | jq -r .id)"
echo "golden image: $GOLDEN_ID"

step "3. Deploy $FLEET_SIZE guests from it (started, autoreset on)"
OPERATION_ID="$(json_post /api/fleets "$(jq -n --arg name "db-fleet-$RUN_ID" --arg golden "$GOLDEN_ID" \
  --argjson size "$FLEET_SIZE" --arg prefix "$PREFIX" '{name: $name, goldenImageId: $golden, size: $size, machineNamePrefix: $prefix,
  autoReset: true, start: true}')" deploy | jq -r .id)"
FLEET_ID="$(wait_for "$OPERATION_ID" | jq -r .targetId)"
FLEET="$(api GET "/api/fleets/$FLEET_ID")"
echo "deployed $(jq '.machines | length' <<<"$FLEET") machines in fleet $FLEET_ID:" \
  "$(jq -r '[.machines[] | "\(.name)=\(.state)"] | join(" ")' <<<"$FLEET")"

step "4. Write into one guest's disk"
GUEST="$(jq -c '.machines[2]' <<<"$FLEET")"
GUEST_NAME="$(jq -r .name <<<"$GUEST")"
MACHINE_ID="$(jq -r .machineId <<<"$GUEST")"
ATTACHMENT_ID="$(jq -r .attachmentId <<<"$GUEST")"
# While a guest runs its disk is its own (409 machine-running): power it off first. This golden boots no
# operating system, so nothing would answer the ACPI power button: force powers it off at once.
api POST "/api/machines/$MACHINE_ID/stop?force=true" >/dev/null
MESSAGE="written by $GUEST_NAME at run $RUN_ID"
printf '%s' "$MESSAGE" > "$WORK/message"
api PUT "/api/machines/$MACHINE_ID/attachments/$ATTACHMENT_ID/data" \
  -H 'Content-Type: application/octet-stream' \
  -H "Content-Range: bytes 0-$((${#MESSAGE} - 1))/*" --data-binary "@$WORK/message" >/dev/null
SEEN="$(read_guest "$MACHINE_ID" "$ATTACHMENT_ID" "${#MESSAGE}")"
echo "$GUEST_NAME reads: '$SEEN'"
[[ "$SEEN" == "$MESSAGE" ]] || { echo "FAILED: the guest does not read what was written" >&2; exit 1; }

step "5. Power-cycle the fleet: $GUEST_NAME powers on again, the others are reset"
POWER="$(power reset)"
echo "reset: $(jq .succeeded <<<"$POWER") of $(jq .total <<<"$POWER") machines power-cycled"

step "6. The write is gone: autoreset emptied the guest's disk at power-on"
POWER="$(power 'stop?force=true')"
echo "stopped: $(jq '.succeeded + .unchanged' <<<"$POWER") of $(jq .total <<<"$POWER") machines powered off, to read their disks"
SEEN="$(read_guest "$MACHINE_ID" "$ATTACHMENT_ID" 24)"
echo "$GUEST_NAME reads: '$SEEN'"
[[ "$SEEN" == "GOLDEN-DB-IMAGE block 00" ]] || { echo "FAILED: the write survived the power cycle" >&2; exit 1; }
echo "autoreset: the write is gone, $GUEST_NAME sees the golden image again"

step "7. Space"
FLEET="$(api GET "/api/fleets/$FLEET_ID")"
jq -r --argjson n "$(jq '.machines | length' <<<"$FLEET")" '.usage |
  "base clone:                 \(.baseBytes) bytes",
  "\($n) machine disks:           \(.machineDisksBytes) bytes",
  "\($n) full copies would take:  \(.fullClonesBytes) bytes"' <<<"$FLEET"
echo "space saved: $(jq .usage.savedBytes <<<"$FLEET") bytes against $(jq '.machines | length' <<<"$FLEET") full copies"
if [[ "${CLEANUP:-}" != always ]]; then
  echo "the fleet and the golden stay; remove them with (the fleet goes in an operation: let it finish first):"
  echo "  curl -X DELETE -H \"Authorization: Bearer \$TOKEN\" '$BASE_URL/api/fleets/$FLEET_ID?force=true'"
  echo "  curl -X DELETE -H \"Authorization: Bearer \$TOKEN\" '$BASE_URL/api/images/$GOLDEN_ID'"
fi
