# Services the slow suites need, installed and started on loopback when missing.
# Sourced by .ci/run; can also be sourced by hand to run those suites locally:
#   source .ci/services.sh && ensure_postgres && ensure_s3 && \
#     ALBUMEN_TEST_REQUIRE_ALL=1 cargo test -p albumen --test api -- --include-ignored postgres s3

S3_PID=""

apt_install() {
  if [ -z "${APT_UPDATED:-}" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null && APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

postgres_answers() {
  psql "postgres://postgres@127.0.0.1:5432/postgres" -Atqc 'select 1' >/dev/null 2>&1
}

# PostgreSQL at 127.0.0.1:5432 with trust auth for user postgres (as this machine kind runs
# it); installed and started from Debian's packages when none answers.
ensure_postgres() {
  if ! command -v psql >/dev/null || ! postgres_answers; then
    if ! command -v pg_ctlcluster >/dev/null; then
      echo "installing PostgreSQL"
      apt_install postgresql || return 1
    fi
    local version
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    local hba="/etc/postgresql/$version/main/pg_hba.conf"
    if ! grep -q "albumen-ci" "$hba" 2>/dev/null; then
      sed -i '1i host all postgres 127.0.0.1/32 trust # albumen-ci' "$hba"
    fi
    pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null ||
      pg_ctlcluster --skip-systemctl-redirect "$version" main reload
    for _ in $(seq 1 30); do postgres_answers && break; sleep 1; done
  fi
  postgres_answers || { echo "PostgreSQL does not answer on 127.0.0.1:5432"; return 1; }
  # Each test creates a database of its own; drop what earlier runs left behind.
  psql "postgres://postgres@127.0.0.1:5432/postgres" -Atqc \
    "select datname from pg_database where datname like 'albumen_test_%'" |
    while read -r db; do
      psql "postgres://postgres@127.0.0.1:5432/postgres" -qc "drop database if exists $db" >/dev/null
    done
  export ALBUMEN_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:5432/postgres"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# moto's S3 server (PyPI: moto[server]) on a free loopback port.
ensure_s3() {
  if ! python3 -c 'import moto.server, flask, flask_cors' 2>/dev/null; then
    echo "installing moto[server]"
    python3 -m pip install -q 'moto[server]>=5,<6' || return 1
  fi
  local port
  port=$(free_port)
  python3 -m moto.server -H 127.0.0.1 -p "$port" >"${TMPDIR:-/tmp}/albumen-moto.log" 2>&1 &
  S3_PID=$!
  for _ in $(seq 1 60); do
    if curl -sf -o /dev/null "http://127.0.0.1:$port/"; then
      export ALBUMEN_TEST_S3_ENDPOINT="http://127.0.0.1:$port"
      return 0
    fi
    sleep 0.5
  done
  echo "the S3 test server did not start; its log:"
  cat "${TMPDIR:-/tmp}/albumen-moto.log"
  return 1
}

stop_services() {
  if [ -n "$S3_PID" ]; then
    kill "$S3_PID" 2>/dev/null || true
    wait "$S3_PID" 2>/dev/null || true
  fi
}

# The optional media tools (ffmpeg for video stills, heif-convert and heif-enc for HEIC), so
# that the tests exercise those paths too; the tests pass without them as well.
ensure_media_tools() {
  if ! command -v ffmpeg >/dev/null || ! command -v heif-convert >/dev/null; then
    echo "installing ffmpeg and libheif-examples"
    apt_install ffmpeg libheif-examples || return 1
  fi
}
