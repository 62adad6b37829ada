# Sourced by test.sh and bench.sh: Debian packages the browser test and the server benchmark
# need, and the local PostgreSQL (started if installed but not running). Sets
# FACTCHECK_TEST_PG_URL when PostgreSQL answers on 127.0.0.1:5432.

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo -n "$@"; else return 1; fi; }

install_debs() {
  local need_debs=()
  command -v chromium >/dev/null 2>&1 || need_debs+=(chromium)
  if [ "${CI:-}" = "true" ] && ! command -v libreoffice >/dev/null 2>&1; then
    need_debs+=(libreoffice-calc-nogui)
  fi
  if [ ${#need_debs[@]} -gt 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing ${need_debs[*]} from Debian's packages…" >&2
    as_root apt-get update -qq >/dev/null || true
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_debs[@]}" >/dev/null \
      || echo "warning: could not install ${need_debs[*]}" >&2
  fi
}

start_postgres() {
  if [ -n "${FACTCHECK_TEST_PG_URL:-}" ]; then
    return
  fi
  if command -v pg_isready >/dev/null 2>&1; then
    if ! pg_isready -q -h 127.0.0.1 -p 5432; then
      if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
        as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
        for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
      fi
    fi
    if pg_isready -q -h 127.0.0.1 -p 5432; then
      export FACTCHECK_TEST_PG_URL="postgresql+psycopg://postgres@127.0.0.1:5432/test"
    fi
  fi
  if [ -z "${FACTCHECK_TEST_PG_URL:-}" ]; then
    echo "note: PostgreSQL not reachable on 127.0.0.1:5432; it is left out" >&2
  fi
}
