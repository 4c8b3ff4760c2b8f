#!/usr/bin/env bash
# Side-by-side: loadgen vs curl --parallel against a throwaway nginx on 127.0.0.1, and both through
# mitmdump when it is installed. Needs nginx (nginx-light) and curl; prints one line per case.
# Usage: compare_curl.sh path/to/loadgen
set -euo pipefail
LOADGEN=$(realpath "${1:?usage: compare_curl.sh path/to/loadgen}")
command -v nginx >/dev/null || { echo "nginx not found: apt-get install nginx-light" >&2; exit 2; }

WORK=$(mktemp -d /tmp/loadgen-compare.XXXXXX)
chmod 755 "$WORK"
NGINX_PID="" MITM_PID=""
cleanup() {
  [[ -n $NGINX_PID ]] && kill "$NGINX_PID" 2>/dev/null || true
  [[ -n $MITM_PID ]] && kill "$MITM_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 100); do (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }

mkdir -p "$WORK/www"
head -c 1024 /dev/urandom >"$WORK/www/1k.bin"
truncate -s 1G "$WORK/www/1g.bin"  # sparse: the page cache serves zeros, the disk is not the test
chmod 644 "$WORK"/www/*; chmod 755 "$WORK/www"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null
HTTP_PORT=$(free_port) HTTPS_PORT=$(free_port)
cat >"$WORK/nginx.conf" <<CONF
worker_processes 2;
pid $WORK/nginx.pid;
error_log $WORK/error.log warn;
daemon off;
events { worker_connections 4096; }
http {
  access_log off; sendfile on; tcp_nopush on; keepalive_requests 100000;
  client_body_temp_path $WORK/t1; proxy_temp_path $WORK/t2; fastcgi_temp_path $WORK/t3;
  uwsgi_temp_path $WORK/t4; scgi_temp_path $WORK/t5;
  server {
    listen 127.0.0.1:$HTTP_PORT; listen 127.0.0.1:$HTTPS_PORT ssl;
    ssl_certificate $WORK/cert.pem; ssl_certificate_key $WORK/key.pem;
    root $WORK/www;
  }
}
CONF
nginx -c "$WORK/nginx.conf" &
NGINX_PID=$!
wait_port "$HTTP_PORT"; wait_port "$HTTPS_PORT"
HTTP=http://127.0.0.1:$HTTP_PORT HTTPS=https://127.0.0.1:$HTTPS_PORT

curl_cfg() {  # url count -> config file with one url+output pair per request
  python3 -c 'import sys; sys.stdout.write(("url = \"%s\"\noutput = \"/dev/null\"\n" % sys.argv[1]) * int(sys.argv[2]))' "$1" "$2" >"$WORK/curl.cfg"
}
now() { date +%s.%N; }
# curl: req/s over `count` transfers with `parallel` at once; extra args pass through.
curl_rate() {
  local url=$1 count=$2 parallel=$3; shift 3
  curl_cfg "$url" "$count"
  local t0 t1; t0=$(now)
  curl --parallel --parallel-max "$parallel" -s -k "$@" --config "$WORK/curl.cfg" >/dev/null 2>&1
  t1=$(now)
  python3 -c "print(f'{$count/($t1-$t0):.0f}')"
}
loadgen_rate() {  # loadgen args... -> req/s from its JSON
  "$LOADGEN" -k --json "$WORK/lg.json" "$@" >/dev/null || true
  python3 -c "import json; r=json.load(open('$WORK/lg.json')); print(f\"{r['requests_per_s']:.0f}\" + (f\" ({r['errors']['total']} errors)\" if r['errors']['total'] else ''))"
}
loadgen_mbps() {
  "$LOADGEN" -k --json "$WORK/lg.json" "$@" >/dev/null || true
  python3 -c "import json; r=json.load(open('$WORK/lg.json')); print(f\"{r['throughput']['mb_per_s']:.0f}\")"
}
curl_mbps() {
  curl -s -k -o /dev/null -w '%{speed_download}' "$1" | python3 -c 'import sys; print(f"{float(sys.stdin.read())/1e6:.0f}")'
}

N=50000
printf '%-52s %12s %12s\n' "case (nginx, 1 KiB file unless noted)" loadgen curl
for c in 10 100; do
  printf '%-52s %12s %12s\n' "http keep-alive, $c conns, req/s" \
    "$(loadgen_rate -n $N -c $c "$HTTP/1k.bin")" "$(curl_rate "$HTTP/1k.bin" $N $c)"
  printf '%-52s %12s %12s\n' "https keep-alive, $c conns, req/s" \
    "$(loadgen_rate -n $N -c $c "$HTTPS/1k.bin")" "$(curl_rate "$HTTPS/1k.bin" $N $c)"
done
printf '%-52s %12s %12s\n' "http new connection per request, 10 conns, req/s" \
  "$(loadgen_rate -n 20000 -c 10 --new-connection "$HTTP/1k.bin")" \
  "$(curl_rate "$HTTP/1k.bin" 20000 10 -H 'Connection: close')"
printf '%-52s %12s %12s\n' "https new connection (full handshake), 10 conns, req/s" \
  "$(loadgen_rate -n 5000 -c 10 --new-connection "$HTTPS/1k.bin")" \
  "$(curl_rate "$HTTPS/1k.bin" 5000 10 -H 'Connection: close' --no-sessionid)"
cat "$WORK/www/1g.bin" >/dev/null
printf '%-52s %12s %12s\n' "http 1 GiB download, 1 conn, MB/s" \
  "$(loadgen_mbps -n 1 -c 1 "$HTTP/1g.bin")" "$(curl_mbps "$HTTP/1g.bin")"
printf '%-52s %12s %12s\n' "https 1 GiB download, 1 conn, MB/s" \
  "$(loadgen_mbps -n 1 -c 1 "$HTTPS/1g.bin")" "$(curl_mbps "$HTTPS/1g.bin")"

if command -v mitmdump >/dev/null; then
  MITM_PORT=$(free_port)
  mitmdump -q --listen-host 127.0.0.1 --listen-port "$MITM_PORT" --set ssl_insecure=true \
    --set confdir="$WORK/mitm" >/dev/null 2>&1 &
  MITM_PID=$!
  wait_port "$MITM_PORT"
  P=127.0.0.1:$MITM_PORT
  printf '%-52s %12s %12s\n' "via mitmdump: http keep-alive, 10 conns, req/s" \
    "$(loadgen_rate -n 1000 -c 10 --proxy $P "$HTTP/1k.bin")" "$(curl_rate "$HTTP/1k.bin" 1000 10 -x http://$P)"
  printf '%-52s %12s %12s\n' "via mitmdump: https keep-alive, 10 conns, req/s" \
    "$(loadgen_rate -n 1000 -c 10 --proxy $P "$HTTPS/1k.bin")" "$(curl_rate "$HTTPS/1k.bin" 1000 10 -x http://$P)"
  printf '%-52s %12s %12s\n' "via mitmdump: https new connection, 10 conns, req/s" \
    "$(loadgen_rate -n 200 -c 10 --new-connection --proxy $P "$HTTPS/1k.bin")" \
    "$(curl_rate "$HTTPS/1k.bin" 200 10 -x http://$P -H 'Connection: close' --no-sessionid)"
fi
