#!/usr/bin/env bash
# Real clients against a real `albumen serve`: Google's Python libraries (google-auth-oauthlib's
# InstalledAppFlow; the device flow with requests; google-api-python-client on the Library API
# and its batch endpoint, with tokens from `albumen tokens mint`) and headless Chromium through
# the web UI (first-run setup, the console, the unverified-app warning and consent).
#
# Installs what it needs, idempotently: a venv under $HOME/.cache/albumen/venv with
# python/requirements.txt, Debian's chromium (and openssl) when missing, the browser check's
# npm packages (browser/node_modules). Builds the albumen binary once, starts a fresh server in a
# temp data dir on a free port for each group of checks, seeds it with the CLI, runs the checks
# and stops the servers on exit. Ends with `clients: N passed, M failed`; exits 1 if any failed.
#
# Environment: CARGO_TARGET_DIR (default $HOME/.cache/albumen/target), ARTIFACTS_DIR (optional:
# screenshots and server logs are copied there), ALBUMEN_CLIENTS_VENV (default
# $HOME/.cache/albumen/venv), ALBUMEN_BIN (use this binary instead of building one).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/albumen/target}"
venv="${ALBUMEN_CLIENTS_VENV:-$HOME/.cache/albumen/venv}"

# The servers read only what this script gives them.
unset ALBUMEN_CONFIG
while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep '^ALBUMEN__' || true)

work=$(mktemp -d "${TMPDIR:-/tmp}/albumen-clients.XXXXXX")
declare -a server_pids=()
passed=0
failed=0
declare -a results=()

cleanup() {
  local pid
  for pid in "${server_pids[@]}"; do
    kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  done
  if [ -n "${ARTIFACTS_DIR:-}" ]; then
    mkdir -p "$ARTIFACTS_DIR/clients"
    cp "$work"/*.log "$ARTIFACTS_DIR/clients/" 2>/dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "--- $*"; }

give_up() {
  echo "clients: setup failed: $*" >&2
  echo "clients: 0 passed, 5 failed"
  exit 1
}

# --- what the checks need -------------------------------------------------------------------

apt_updated=0
apt_install() {
  if [ "$apt_updated" -eq 0 ]; then
    apt-get update -qq || return 1
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

ensure_system_packages() {
  local missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  command -v openssl >/dev/null || missing+=(openssl)
  command -v python3 >/dev/null || missing+=(python3 python3-venv)
  if [ "${#missing[@]}" -gt 0 ]; then
    log "installing ${missing[*]} (apt)"
    apt_install "${missing[@]}" || return 1
  fi
  if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
    log "installing python3-venv (apt)"
    apt_install python3-venv || return 1
  fi
  command -v node >/dev/null && command -v npm >/dev/null || {
    echo "node and npm are needed for the browser check (this machine kind has them)" >&2
    return 1
  }
}

ensure_venv() {
  local requirements="$here/python/requirements.txt" stamp="$venv/.albumen-requirements"
  if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import sys' 2>/dev/null; then
    log "creating the venv $venv"
    rm -rf "$venv"
    python3 -m venv "$venv" || return 1
  fi
  if ! cmp -s "$requirements" "$stamp"; then
    log "installing $requirements"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements" || return 1
    cp "$requirements" "$stamp"
  fi
}

ensure_node_modules() {
  local dir="$here/browser" stamp="$here/browser/node_modules/.albumen-lock"
  if ! cmp -s "$dir/package-lock.json" "$stamp" || [ ! -d "$dir/node_modules/playwright-core" ]; then
    log "npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) || return 1
    cp "$dir/package-lock.json" "$stamp"
  fi
}

build_albumen() {
  if [ -n "${ALBUMEN_BIN:-}" ]; then
    cp "$ALBUMEN_BIN" "$work/albumen" || return 1
    return 0
  fi
  log "cargo build -p albumen --locked"
  (cd "$repo" && cargo build -p albumen --locked) || return 1
  # A private copy: a concurrent build in the shared target dir cannot swap it mid-run.
  cp "$CARGO_TARGET_DIR/debug/albumen" "$work/albumen"
}

ensure_system_packages || give_up "system packages"
ensure_venv || give_up "the Python venv"
ensure_node_modules || give_up "the browser check's npm packages"
build_albumen || give_up "building albumen"
albumen="$work/albumen"
python="$venv/bin/python"

# --- servers --------------------------------------------------------------------------------

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# start_server NAME: a server on a fresh data dir and a free port; sets base_url and data_dir.
start_server() {
  local name=$1 port
  port=$(free_port)
  data_dir="$work/$name-data"
  base_url="http://127.0.0.1:$port"
  mkdir -p "$data_dir"
  # The CLI and the server must agree on the public URL: client_secret.json carries it.
  cli=("$albumen" --data-dir "$data_dir" --public-url "$base_url")
  (cd "$work" && exec "$albumen" --data-dir "$data_dir" --listen "127.0.0.1:$port" \
    --public-url "$base_url" serve) >"$work/$name-server.log" 2>&1 &
  server_pids+=("$!")
  local pid=$! i
  for i in $(seq 1 100); do
    if python3 - "$base_url/healthz" <<'EOF' 2>/dev/null; then
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=2) as r:
    sys.exit(0 if r.status == 200 else 1)
EOF
      log "$name server at $base_url (data in $data_dir)"
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "the $name server exited; its log:" >&2
      tail -n 30 "$work/$name-server.log" >&2
      return 1
    fi
    sleep 0.2
  done
  echo "the $name server did not answer /healthz within 20 s; its log:" >&2
  tail -n 30 "$work/$name-server.log" >&2
  return 1
}

record() {
  local name=$1 status=$2
  if [ "$status" -eq 0 ]; then
    passed=$((passed + 1))
    results+=("passed  $name")
  else
    failed=$((failed + 1))
    results+=("FAILED  $name")
  fi
}

# run_check NAME SERVER_LOG COMMAND...: runs one check with a time limit and records it.
run_check() {
  local name=$1 server_log=$2
  shift 2
  echo
  echo "=== $name"
  timeout 300 "$@"
  local status=$?
  if [ "$status" -ne 0 ]; then
    [ "$status" -eq 124 ] && echo "$name: timed out after 300 s" >&2
    echo "--- the last lines of the server's log ($server_log):" >&2
    tail -n 25 "$work/$server_log" >&2
  fi
  record "$name" "$status"
}

# --- the Python checks: a server seeded with the CLI ----------------------------------------

email=tester@example.com
password="client check password"

seed_python_server() {
  start_server python || return 1
  printf '%s\n' "$password" | "${cli[@]}" users add "$email" --admin --name "Client Tester" --password-stdin &&
    "${cli[@]}" projects create client-checks --name "Client checks" &&
    "${cli[@]}" projects enable-api client-checks picker &&
    "${cli[@]}" projects enable-api client-checks library &&
    "${cli[@]}" consent set client-checks --app-name "Client Checks" --status testing --test-user "$email" &&
    "${cli[@]}" clients create --project client-checks --type desktop --name "Python desktop" --json >"$work/desktop.json" &&
    "${cli[@]}" clients create --project client-checks --type tv --name "Python TV" --json >"$work/tv.json" &&
    "${cli[@]}" clients create --project client-checks --type desktop --name "Python Library" --json >"$work/library.json"
}

library_scopes=(
  https://www.googleapis.com/auth/photoslibrary.appendonly
  https://www.googleapis.com/auth/photoslibrary.readonly.appcreateddata
  https://www.googleapis.com/auth/photoslibrary.edit.appcreateddata
)

# Its own Desktop client: minting records consent, which the installed-app check must not see.
mint_library_tokens() {
  local client_id
  client_id=$("$python" -c 'import json, sys; print(json.load(open(sys.argv[1]))["installed"]["client_id"])' \
    "$work/library.json") || return 1
  "${cli[@]}" tokens mint --user "$email" --client "$client_id" --scope "${library_scopes[@]}" \
    >"$work/library-tokens.json"
}

if seed_python_server; then
  run_check "python installed app flow" python-server.log \
    "$python" "$here/python/installed_app_flow.py" --base-url "$base_url" \
    --client-secrets "$work/desktop.json" --email "$email" --password "$password"
  run_check "python device flow" python-server.log \
    "$python" "$here/python/device_flow.py" --base-url "$base_url" \
    --client-secrets "$work/tv.json" --email "$email" --password "$password"
  if mint_library_tokens; then
    run_check "python library api" python-server.log \
      "$python" "$here/python/library_api.py" --base-url "$base_url" \
      --client-secrets "$work/library.json" --tokens "$work/library-tokens.json"
    run_check "python library batch" python-server.log \
      "$python" "$here/python/library_batch.py" --base-url "$base_url" \
      --client-secrets "$work/library.json" --tokens "$work/library-tokens.json"
  else
    echo "could not mint Library tokens with the CLI" >&2
    record "python library api" 1
    record "python library batch" 1
  fi
else
  echo "could not start and seed the server for the Python checks" >&2
  record "python installed app flow" 1
  record "python device flow" 1
  record "python library api" 1
  record "python library batch" 1
fi

# --- the browser check: a brand-new server, set up through the UI ---------------------------

if start_server browser; then
  run_check "browser console flow" browser-server.log \
    node "$here/browser/console_flow.mjs" --base-url "$base_url"
else
  record "browser console flow" 1
fi

echo
echo "=== client checks"
printf '%s\n' "${results[@]}"
echo "clients: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
