# shellcheck shell=bash
# Sourced by tests/regctl/*.bats after ../helpers:
#
#   load ../helpers
#   load helpers-regctl
#   setup() { regctl_setup; }
#   teardown() { regctl_teardown; }
#
# Every test gets $TEST_DIR, a store ($STORE), a Docker config directory
# ($DOCKER_CONFIG, so ~/.docker is never touched) and a TMPDIR of its own.
# Registries are Debian's docker-registry, started on 127.0.0.1 on a free
# port with their own config and storage under $TEST_DIR, killed by pid in
# teardown.  Images are made by make-image (tar + jq), never downloaded.
#
# Functions:
#   regctl [-N|!] ARGS...        bats `run` of tong-regctl --store $STORE --no-progress ARGS
#   __regctl ARGS...             the same without run (pipelines)
#   start_registry [--tls [--client-ca]] [--htpasswd USER:PASS] [--name NAME] [--port PORT]
#                                starts a registry (on a free port unless PORT); sets REG (host:port), REG_DIR,
#                                REG_PID, or REG_<NAME> and REG_DIR_<NAME> when named;
#                                --client-ca: TLS clients must show a certificate
#                                of the test CA (make_client_cert)
#   start_fault_registry [ARGS]  the fault-injecting registry (fault-registry.py);
#                                sets FREG (host:port), FREG_PID, FREG_DIR
#   make_ca                      a CA and a server certificate for IP:127.0.0.1 in $TEST_DIR/tls
#   make_client_cert             a client certificate of that CA: $TEST_DIR/tls/client.{crt,key}
#   make_image DIR NAME [OPTS]   make-image (prints the manifest digest)
#   make_index DIR NAME DIGEST... an index of manifests already in DIR, tagged NAME
#   curl_push_layout DIR NAME REG/REPO:TAG  push a layout image with curl (plain HTTP),
#                                independent of tong-regctl
#   free_port                    an unused TCP port on 127.0.0.1
#   blob_path DIR DIGEST         the file of a blob in a layout

REGCTL_TESTS=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
: "${REGCTL:=$BUILDDIR/tong-regctl}"
: "${DOCKER_REGISTRY:=$(type -P docker-registry || echo /usr/bin/docker-registry)}"
: "${SYSTEM_PYTHON:=/usr/bin/python3}"
export REGCTL

regctl_setup() {
	[ -x "$REGCTL" ] || fail "$REGCTL is not built (make)" || return
	local base=${TONG_TEST_TMPDIR:-${TMPDIR:-/tmp}}
	TEST_DIR=$(mktemp -d "$base/tong-regctl-test.XXXXXX") || return
	TEST_DIR=$(readlink -f "$TEST_DIR")
	STORE=$TEST_DIR/store
	DOCKER_CONFIG=$TEST_DIR/docker-config
	mkdir -p "$TEST_DIR/tmp" "$DOCKER_CONFIG"
	: >"$TEST_DIR/.pids"
	export TEST_DIR STORE DOCKER_CONFIG
	export TMPDIR=$TEST_DIR/tmp
	# No registries.json of the user's.
	export XDG_CONFIG_HOME=$TEST_DIR/xdg-config
	unset TONG_REGISTRIES_CONFIG
	cd "$TEST_DIR" || return
}

regctl_teardown() {
	local rc=0
	[ -n "${TEST_DIR:-}" ] && [ -d "$TEST_DIR" ] || return 0
	# The registries hold nothing worth a graceful stop (docker-registry
	# takes seconds to drain on SIGTERM): killed by pid.
	kill_pids_file "$TEST_DIR/.pids" || rc=1
	cd / || true
	rm -rf "$TEST_DIR" || rc=1
	# Nothing the tests made may outlive them.
	if [ -d "$TEST_DIR" ]; then
		echo "teardown: cannot remove $TEST_DIR" >&2
		rc=1
	fi
	return "$rc"
}

__regctl() {
	"$REGCTL" --store "$STORE" --no-progress "$@" 3>&-
}

# regctl [-N|!] ARGS...: `run`s tong-regctl, logs command, status, output.
regctl() {
	__split_run_flags "$@"
	shift $(($# - __run_rest))
	local rc=0
	run "${__run_flags[@]}" __capture __regctl "$@" || rc=$?
	__log_result "tong-regctl $*"
	return "$rc"
}

free_port() {
	"$SYSTEM_PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# __wait_http URL [CURL-ARGS...]: until something answers (any status).
__wait_http() {
	local url=$1 i
	shift
	for ((i = 0; i < 100; i++)); do
		if curl -s -o /dev/null -m 2 "$@" "$url"; then
			return 0
		fi
		sleep 0.1
	done
	fail "nothing answers at $url"
}

make_ca() {
	local d=$TEST_DIR/tls
	[ -f "$d/ca.crt" ] && return 0
	mkdir -p "$d"
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Tong test CA" \
		-keyout "$d/ca.key" -out "$d/ca.crt" 2>/dev/null || fail "openssl: CA" || return
	openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
		-keyout "$d/server.key" -out "$d/server.csr" 2>/dev/null || fail "openssl: CSR" || return
	printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >"$d/ext.cnf"
	openssl x509 -req -in "$d/server.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial -days 2 \
		-extfile "$d/ext.cnf" -out "$d/server.crt" 2>/dev/null || fail "openssl: sign" || return
}

make_client_cert() {
	local d=$TEST_DIR/tls
	make_ca || return
	[ -f "$d/client.crt" ] && return 0
	openssl req -newkey rsa:2048 -nodes -subj "/CN=tong-regctl test client" \
		-keyout "$d/client.key" -out "$d/client.csr" 2>/dev/null || fail "openssl: client CSR" || return
	printf 'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n' >"$d/client-ext.cnf"
	openssl x509 -req -in "$d/client.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial -days 2 \
		-extfile "$d/client-ext.cnf" -out "$d/client.crt" 2>/dev/null || fail "openssl: sign the client" || return
}

# start_registry [--tls [--client-ca]] [--htpasswd USER:PASS] [--name NAME] [--port PORT]
start_registry() {
	local tls= client_ca= htpasswd= name= port=
	while [ $# -gt 0 ]; do
		case $1 in
		--port) port=$2; shift ;;
		--tls) tls=1 ;;
		--client-ca) client_ca=1 ;;
		--htpasswd) htpasswd=$2; shift ;;
		--name) name=$2; shift ;;
		*) fail "start_registry: unknown option $1"; return ;;
		esac
		shift
	done
	[ -x "$DOCKER_REGISTRY" ] || fail "docker-registry is not installed (make deps)" || return
	local dir
	[ -n "$port" ] || port=$(free_port) || return
	dir=$TEST_DIR/registry-$port
	mkdir -p "$dir/data"
	{
		echo "version: 0.1"
		echo "log:"
		echo "  level: warn"
		echo "  accesslog:"
		echo "    disabled: true"
		echo "storage:"
		echo "  filesystem:"
		echo "    rootdirectory: $dir/data"
		echo "  delete:"
		echo "    enabled: true"
		echo "  maintenance:"
		echo "    uploadpurging:"
		echo "      enabled: false"
		echo "http:"
		echo "  addr: 127.0.0.1:$port"
		echo "  secret: tong-test-$port"
		if [ -n "$tls" ]; then
			make_ca || return
			echo "  tls:"
			echo "    certificate: $TEST_DIR/tls/server.crt"
			echo "    key: $TEST_DIR/tls/server.key"
			if [ -n "$client_ca" ]; then
				echo "    clientcas:"
				echo "      - $TEST_DIR/tls/ca.crt"
			fi
		fi
		if [ -n "$htpasswd" ]; then
			htpasswd -Bbn "${htpasswd%%:*}" "${htpasswd#*:}" >"$dir/htpasswd" 2>/dev/null
			echo "auth:"
			echo "  htpasswd:"
			echo "    realm: tong-test"
			echo "    path: $dir/htpasswd"
		fi
	} >"$dir/config.yml"
	"$DOCKER_REGISTRY" serve "$dir/config.yml" >"$dir/log" 2>&1 3>&- </dev/null &
	echo "$!" >>"$TEST_DIR/.pids"
	# A named registry leaves REG alone.
	if [ -n "$name" ]; then
		printf -v "REG_$name" '%s' "127.0.0.1:$port"
		printf -v "REG_DIR_$name" '%s' "$dir"
	else
		REG=127.0.0.1:$port
		REG_DIR=$dir
		REG_PID=$!
	fi
	if [ -n "$tls" ] && [ -n "$client_ca" ]; then
		make_client_cert || return
		__wait_http "https://127.0.0.1:$port/v2/" --cacert "$TEST_DIR/tls/ca.crt" \
			--cert "$TEST_DIR/tls/client.crt" --key "$TEST_DIR/tls/client.key" || { cat "$dir/log" >&2; return 1; }
	elif [ -n "$tls" ]; then
		__wait_http "https://127.0.0.1:$port/v2/" --cacert "$TEST_DIR/tls/ca.crt" || { cat "$dir/log" >&2; return 1; }
	else
		__wait_http "http://127.0.0.1:$port/v2/" || { cat "$dir/log" >&2; return 1; }
	fi
}

# start_fault_registry [ARGS...]: tests/regctl/fault-registry.py on a free
# port, its storage under $TEST_DIR.
start_fault_registry() {
	local port
	port=$(free_port) || return
	FREG_DIR=$TEST_DIR/fault-$port
	mkdir -p "$FREG_DIR"
	"$SYSTEM_PYTHON" "$REGCTL_TESTS/fault-registry.py" --port "$port" --dir "$FREG_DIR" "$@" \
		>"$FREG_DIR/log" 2>&1 3>&- </dev/null &
	FREG_PID=$!
	echo "$FREG_PID" >>"$TEST_DIR/.pids"
	FREG=127.0.0.1:$port
	__wait_http "http://$FREG/health" || { cat "$FREG_DIR/log" >&2; return 1; }
}

# fault COMMAND...: tells the fault registry what to do next (its /control).
fault() {
	local q
	q=$(IFS='&'; echo "$*")
	curl -sf -X POST "http://$FREG/control?$q" >/dev/null || fail "fault registry: control $q failed"
}

make_image() {
	"$REGCTL_TESTS/make-image" "$@"
}

blob_path() {
	echo "$1/blobs/${2%%:*}/${2#*:}"
}

# make_index DIR NAME DIGEST...: an OCI index of manifests in DIR (their
# platform read from their configs), tagged NAME; prints its digest.
make_index() {
	local dir=$1 name=$2 d entries='[]' m cfg plat size
	shift 2
	for d in "$@"; do
		m=$(blob_path "$dir" "$d")
		cfg=$(jq -r .config.digest "$m")
		plat=$(jq -c '{os, architecture} + (if .variant then {variant} else {} end)' "$(blob_path "$dir" "$cfg")")
		size=$(stat -c %s "$m")
		entries=$(jq -c --arg d "$d" --argjson s "$size" --argjson p "$plat" --arg mt "$(jq -r .mediaType "$m")" \
			'. + [{mediaType: $mt, digest: $d, size: $s, platform: $p}]' <<<"$entries")
	done
	local tmp=$TEST_DIR/index.tmp
	jq -cn --argjson m "$entries" '{schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: $m}' >"$tmp"
	local digest=sha256:$(sha256sum "$tmp" | cut -d' ' -f1)
	size=$(stat -c %s "$tmp")
	mv "$tmp" "$(blob_path "$dir" "$digest")"
	jq -c --arg d "$digest" --argjson s "$size" --arg n "$name" \
		'.manifests = ([.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] != $n)]
		  + [{mediaType: "application/vnd.oci.image.index.v1+json", digest: $d, size: $s, annotations: {"org.opencontainers.image.ref.name": $n}}])' \
		"$dir/index.json" >"$tmp"
	mv "$tmp" "$dir/index.json"
	echo "$digest"
}

# curl_push_blob REG REPO FILE DIGEST: monolithic upload with curl.
curl_push_blob() {
	local reg=$1 repo=$2 file=$3 digest=$4 loc sep
	if curl -sf -o /dev/null -I "http://$reg/v2/$repo/blobs/$digest"; then
		return 0
	fi
	loc=$(curl -sf -D - -o /dev/null -X POST "http://$reg/v2/$repo/blobs/uploads/" |
		tr -d '\r' | sed -n 's/^[Ll]ocation: //p')
	[ -n "$loc" ] || fail "curl_push_blob: no upload location" || return
	case $loc in http*) ;; *) loc=http://$reg$loc ;; esac
	case $loc in *\?*) sep='&' ;; *) sep='?' ;; esac
	curl -sf -o /dev/null -X PUT -H 'Content-Type: application/octet-stream' \
		--data-binary "@$file" "$loc${sep}digest=$digest" || fail "curl_push_blob: PUT $digest failed"
}

# curl_push_layout DIR NAME REG/REPO:TAG: pushes the image NAME of a layout
# (a manifest and its blobs) with curl alone.
curl_push_layout() {
	local dir=$1 name=$2 target=$3
	local reg=${target%%/*} rest=${target#*/}
	local repo=${rest%:*} tag=${rest##*:}
	local md mt m d
	md=$(jq -r --arg n "$name" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $n) | .digest' "$dir/index.json")
	m=$(blob_path "$dir" "$md")
	mt=$(jq -r .mediaType "$m")
	for d in $(jq -r '.config.digest, .layers[].digest' "$m"); do
		curl_push_blob "$reg" "$repo" "$(blob_path "$dir" "$d")" "$d" || return
	done
	curl -sf -o /dev/null -X PUT -H "Content-Type: $mt" --data-binary "@$m" "http://$reg/v2/$repo/manifests/$tag" ||
		fail "curl_push_layout: PUT manifest failed"
}
