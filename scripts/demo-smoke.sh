#!/usr/bin/env bash
# `make demo-smoke`: runs what `make demo` runs (packages, build, `sluice demo`), waits for the
# demo's "dashboard at http://..." line, checks that the page answers, prints the seconds from the
# start to that answer, then stops the demo (Ctrl-C, as a user would). Exits non-zero when the
# build fails, the demo stops, or no answering dashboard comes within DEMO_SMOKE_TIMEOUT seconds.
#   scripts/demo-smoke.sh MAKE BUILD_DIR
set -euo pipefail
make_cmd="${1:-make}"
build_dir="${2:-build}"
timeout="${DEMO_SMOKE_TIMEOUT:-600}"
start=$(date +%s%N)
seconds_since_start() {
  local ms=$(( ($(date +%s%N) - start) / 1000000 ))
  printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100))
}

$make_cmd --no-print-directory demo-build BUILD_DIR="$build_dir"
built=$(seconds_since_start)
echo "demo-smoke: packages and build took $built s"

out=$(mktemp)
"$build_dir/src/cli/sluice" demo >"$out" 2>&1 &
demo=$!
stop_demo() {
  kill -INT "$demo" 2>/dev/null || true
  wait "$demo" 2>/dev/null || true
  rm -f "$out"
}
trap stop_demo EXIT

url=""
deadline=$(( $(date +%s) + timeout ))
while [ -z "$url" ]; do
  if ! kill -0 "$demo" 2>/dev/null; then
    echo "demo-smoke: sluice demo stopped before its dashboard was up:" >&2
    cat "$out" >&2
    exit 1
  fi
  if [ "$(date +%s)" -gt "$deadline" ]; then
    echo "demo-smoke: no dashboard after $timeout s:" >&2
    cat "$out" >&2
    exit 1
  fi
  url=$(sed -n 's|^dashboard at \(http://[^ ]*\).*|\1|p' "$out" | head -1)
  [ -n "$url" ] || sleep 0.2
done
# GET the page over bash's /dev/tcp (a fresh machine need not have curl): "HTTP/1.1 200" and a body.
hostport=${url#http://}
hostport=${hostport%%/*}
exec 3<>"/dev/tcp/${hostport%:*}/${hostport#*:}"
printf 'GET / HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' "$hostport" >&3
answer=$(timeout 10 cat <&3 | tr -d '\r')
exec 3<&-
status=$(head -1 <<<"$answer")
body=$(sed '1,/^$/d' <<<"$answer")
if [[ "$status" != "HTTP/1.1 200"* || -z "$body" ]]; then
  echo "demo-smoke: $url answered '$status' with ${#body} bytes of body" >&2
  exit 1
fi
seconds=$(seconds_since_start)
cat "$out"
echo "demo-smoke: dashboard at $url answered after $seconds s (packages and build: $built s)"
