#!/usr/bin/env bats
# Robustness against a registry that misbehaves on request
# (fault-registry.py): the Bearer token flow, 429 with Retry-After, 5xx,
# connections cut mid-blob, wrong digests, oversized manifests, redirects,
# pagination, and a pull killed half way.

load ../helpers
load helpers-regctl

setup() {
	regctl_setup
	LAYOUT=$TEST_DIR/layout
	DIGEST=$(make_image "$LAYOUT" v1 --layers 2 --size 200000)
	MANIFEST=$(blob_path "$LAYOUT" "$DIGEST")
	LAYER0=$(jq -r '.layers[0].digest' "$MANIFEST")
	LAYER1=$(jq -r '.layers[1].digest' "$MANIFEST")
}

teardown() {
	regctl_teardown
}

# Requests the fault registry saw, as JSON lines.
flog() {
	curl -sf "http://$FREG/log"
}

push_fixture() {
	regctl image copy "oci:$LAYOUT:v1" "$FREG/test/img:v1"
	[ "$status" -eq 0 ] || fail "fixture push failed: $output"
}

# The store's visible content: index.json and the blobs.
store_state() {
	{
		cat "$STORE/index.json"
		echo
		find "$STORE/blobs" -type f | sort
	}
}

@test "Bearer token flow: challenge, token per scope, reused" {
	start_fault_registry --auth bearer
	push_fixture
	regctl image pull "$FREG/test/img:v1"
	[ "$status" -eq 0 ]
	[ "$output" = "$DIGEST" ]
	# Tokens were asked for with the service and the repository's scope...
	flog | jq -r 'select(.path | startswith("/token")) | .path' >"$TEST_DIR/tokens"
	grep -q 'service=fault-registry' "$TEST_DIR/tokens"
	grep -Eq 'scope=repository(:|%3A)test%2Fimg(:|%3A)pull%2Cpush' "$TEST_DIR/tokens"
	# ... once per scope and process, not per request.
	[ "$(wc -l <"$TEST_DIR/tokens")" -le 4 ]
	# Every API request after the ping carried a token.
	[ "$(flog | jq -r 'select(.path | startswith("/v2/test")) | select(.auth == null) | .path' | wc -l)" -eq 0 ]
}

@test "Bearer token flow with credentials: login, wrong password, anonymous refused" {
	start_fault_registry --auth bearer --user tong:secret
	regctl image copy "oci:$LAYOUT:v1" "$FREG/test/img:v1"
	[ "$status" -eq 1 ]
	[[ "$output" == *"authentication to $FREG failed"* ]]
	regctl registry login -u tong -p wrong "$FREG"
	[ "$status" -eq 1 ]
	[[ "$output" == *"wrong user name or password"* ]]
	regctl registry login -u tong -p secret "$FREG"
	[ "$status" -eq 0 ]
	push_fixture
	regctl image pull "$FREG/test/img:v1"
	[ "$status" -eq 0 ]
	[ "$output" = "$DIGEST" ]
}

@test "an expired token is fetched again on 401" {
	start_fault_registry --auth bearer
	push_fixture
	fault token_uses=2
	regctl --verbose image pull "$FREG/test/img:v1"
	[ "$status" -eq 0 ]
	[ "$(tail -n 1 <<<"$output")" = "$DIGEST" ]
	[[ "$output" == *"-> 401"* ]]
	[ "$(flog | jq -r 'select(.path | startswith("/token")) | .path' | wc -l)" -ge 3 ]
}

@test "429 with Retry-After is waited out" {
	start_fault_registry
	push_fixture
	fault throttle=1 retry_after=1 path=/manifests/
	regctl --verbose image pull "$FREG/test/img:v1"
	[ "$status" -eq 0 ]
	[ "$(tail -n 1 <<<"$output")" = "$DIGEST" ]
	[[ "$output" == *"/manifests/v1 -> 429"* ]]
	[[ "$output" == *"retrying in 1.0s"* ]]
}

@test "500 then success: retried" {
	start_fault_registry
	push_fixture
	fault fail=500 times=2 "path=/blobs/$LAYER0"
	regctl --verbose image pull "$FREG/test/img:v1"
	[ "$status" -eq 0 ]
	[ "$(grep -c "blobs/$LAYER0 -> 500" <<<"$output")" -eq 2 ]
	# Uploads too: the POST and the PUT are sent again.
	fault fail=503 times=1 path=/blobs/uploads/
	regctl image push "$FREG/test/img:v1" "$FREG/again/img:v1"
	[ "$status" -eq 0 ]
	[ "$output" = "$DIGEST" ]
}

@test "a registry that keeps failing: an error after --retries, the store unchanged" {
	start_fault_registry
	push_fixture
	make_image "$LAYOUT" v2 --size 3000 >/dev/null
	regctl image copy "oci:$LAYOUT:v2" "$FREG/test/other:v2"
	regctl image pull "$FREG/test/other:v2"
	[ "$status" -eq 0 ]
	store_state >"$TEST_DIR/before"
	fault fail=500 times=100 "path=/blobs/$LAYER1"
	regctl --retries 2 image pull "$FREG/test/img:v1"
	[ "$status" -eq 1 ]
	[[ "$output" == *"500 Internal Server Error: INJECTED"* ]]
	[ "$(flog | jq -r "select(.method == \"GET\" and .path == \"/v2/test/img/blobs/$LAYER1\") | .path" | wc -l)" -eq 3 ]
	store_state >"$TEST_DIR/after"
	diff "$TEST_DIR/before" "$TEST_DIR/after"
}

@test "a connection cut mid-blob resumes with Range" {
	start_fault_registry
	push_fixture
	fault cut=50000 times=1 "path=/blobs/$LAYER0"
	regctl image pull "$FREG/test/img:v1"
	[ "$status" -eq 0 ]
	[ "$output" = "$DIGEST" ]
	flog | jq -r "select(.path == \"/v2/test/img/blobs/$LAYER0\") | .range" >"$TEST_DIR/ranges"
	[ "$(head -n 1 "$TEST_DIR/ranges")" = null ]
	grep -Eq '^bytes=[1-9][0-9]*-$' "$TEST_DIR/ranges"
	cmp "$(blob_path "$STORE" "$LAYER0")" "$(blob_path "$LAYOUT" "$LAYER0")"
}

@test "a blob with a wrong digest: the pull fails and the store is unchanged" {
	start_fault_registry
	push_fixture
	local other
	other=$(make_image "$LAYOUT" v2 --size 3000)
	regctl image copy "oci:$LAYOUT:v2" "$FREG/test/other:v2"
	regctl image pull "$FREG/test/other:v2"
	[ "$status" -eq 0 ]
	store_state >"$TEST_DIR/before"
	fault corrupt=1 "path=/blobs/$LAYER1"
	regctl image pull "$FREG/test/img:v1"
	[ "$status" -eq 1 ]
	[[ "$output" == *"digest mismatch"* ]]
	store_state >"$TEST_DIR/after"
	diff "$TEST_DIR/before" "$TEST_DIR/after"
	[ -z "$(find "$STORE/ingest" -name 'tmp-*')" ]
	# A copy between registries refuses it too.
	start_registry
	regctl image copy "$FREG/test/img:v1" "$REG/copy/img:v1"
	[ "$status" -eq 1 ]
	regctl manifest get "$REG/copy/img:v1"
	[ "$status" -eq 1 ]
}

@test "a manifest larger than 4 MiB is refused" {
	start_fault_registry
	push_fixture
	fault big_manifest=5000000
	regctl image pull "$FREG/test/img:v1"
	[ "$status" -eq 1 ]
	[[ "$output" == *"larger than the 4194304 bytes allowed"* ]]
	[ "$(jq '.manifests | length' "$STORE/index.json")" -eq 0 ]
}

@test "redirects to blob storage are followed, without our Authorization" {
	start_fault_registry --auth bearer
	push_fixture
	fault "redirect=localhost:${FREG#*:}"
	regctl image pull "$FREG/test/img:v1"
	[ "$status" -eq 0 ]
	[ "$output" = "$DIGEST" ]
	flog | jq -c 'select(.path | startswith("/redirected/"))' >"$TEST_DIR/redirected"
	[ "$(wc -l <"$TEST_DIR/redirected")" -eq 3 ]
	[ "$(jq -r .auth "$TEST_DIR/redirected" | sort -u)" = null ]
}

@test "tag ls follows Link pagination" {
	start_fault_registry
	push_fixture
	local t
	for t in a b c d e; do
		regctl manifest put "$FREG/test/img:$t" "$MANIFEST"
	done
	regctl tag ls --page-size 2 "$FREG/test/img"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '%s\n' a b c d e v1)" ]
	[ "$(flog | jq -r 'select(.path | contains("/tags/list")) | .path' | wc -l)" -eq 3 ]
	flog | jq -r 'select(.path | contains("/tags/list")) | .path' | grep -q 'last=b&n=2'
}

@test "a pull killed half way leaves no tag and no visible blob" {
	start_fault_registry
	push_fixture
	make_image "$LAYOUT" v2 --size 3000 >/dev/null
	regctl image copy "oci:$LAYOUT:v2" "$FREG/test/other:v2"
	regctl image pull "$FREG/test/other:v2"
	[ "$status" -eq 0 ]
	store_state >"$TEST_DIR/before"
	# The second layer makes the client wait; the first is then in ingest/.
	fault throttle=1 retry_after=30 "path=/blobs/$LAYER1"
	"$REGCTL" --store "$STORE" --no-progress --parallel 1 image pull "$FREG/test/img:v1" >"$TEST_DIR/pull.log" 2>&1 3>&- &
	local pid=$! i
	echo "$pid" >>"$TEST_DIR/.pids"
	for ((i = 0; i < 100; i++)); do
		flog | jq -r 'select(.method == "GET") | .path' | grep -qx "/v2/test/img/blobs/$LAYER1" && break
		sleep 0.1
	done
	kill -KILL "$pid"
	wait "$pid" || true
	[ ! -f "$(blob_path "$STORE" "$LAYER0")" ]
	[ ! -f "$(blob_path "$STORE" "$DIGEST")" ]
	store_state >"$TEST_DIR/after"
	diff "$TEST_DIR/before" "$TEST_DIR/after"
	# What it had received waits, unverified, in ingest/ ...
	[ -n "$(find "$STORE/ingest" -name 'tmp-*')" ]
	# ... until the next user of the store sweeps it away.
	regctl store gc
	[ "$status" -eq 0 ]
	[ -z "$(find "$STORE/ingest" -name 'tmp-*')" ]
}

@test "--parallel bounds the blob downloads in flight" {
	start_fault_registry
	make_image "$LAYOUT" four --layers 4 --size 1000 >/dev/null
	regctl image copy "oci:$LAYOUT:four" "$FREG/test/four:v1"
	[ "$status" -eq 0 ]
	# Each blob GET takes a while: those in flight overlap.
	fault delay=0.4 path=/blobs/sha256
	regctl --parallel 1 image pull "$FREG/test/four:v1"
	[ "$status" -eq 0 ]
	[ "$(curl -sf "http://$FREG/stats" | jq .max_concurrent_blob_gets)" -eq 1 ]
	fault clear_stats=1
	rm -rf "$STORE"
	regctl --parallel 3 image pull "$FREG/test/four:v1"
	[ "$status" -eq 0 ]
	[ "$(curl -sf "http://$FREG/stats" | jq .max_concurrent_blob_gets)" -eq 3 ]
	# The default is 4 (five blobs here).
	fault clear_stats=1
	rm -rf "$STORE"
	regctl image pull "$FREG/test/four:v1"
	[ "$status" -eq 0 ]
	[ "$(curl -sf "http://$FREG/stats" | jq .max_concurrent_blob_gets)" -eq 4 ]
}

@test "a push asks after all its blobs at once, and opens their uploads at once" {
	start_fault_registry
	local digest
	digest=$(make_image "$LAYOUT" four --layers 4 --size 1000)
	# HEADs answered slowly: those of the five blobs overlap, up to --parallel.
	fault delay=0.3 path=/blobs/sha256
	regctl image copy "oci:$LAYOUT:four" "$FREG/test/four:v1"
	[ "$status" -eq 0 ]
	[ "$(curl -sf "http://$FREG/stats" | jq .max_concurrent_blob_heads)" -eq 4 ]
	fault clear_stats=1
	regctl --parallel 2 image copy "oci:$LAYOUT:four" "$FREG/test/other:v1"
	[ "$status" -eq 0 ]
	[ "$(curl -sf "http://$FREG/stats" | jq .max_concurrent_blob_heads)" -eq 2 ]
	regctl digest "$FREG/test/other:v1"
	[ "$output" = "$digest" ]
}

@test "--parallel counts large blobs: a config is fetched beside them" {
	start_fault_registry
	make_image "$LAYOUT" big --layers 2 --size $((2 * 1024 * 1024)) >/dev/null
	regctl image copy "oci:$LAYOUT:big" "$FREG/test/big:v1"
	[ "$status" -eq 0 ]
	fault delay=0.4 path=/blobs/sha256
	# One layer at a time, and the config (under 1 MiB) beside it.
	regctl --parallel 1 image pull "$FREG/test/big:v1"
	[ "$status" -eq 0 ]
	[ "$(curl -sf "http://$FREG/stats" | jq .max_concurrent_blob_gets)" -eq 2 ]
	[ "$(find "$STORE/blobs/sha256" -type f | wc -l)" -ge 4 ]
}

@test "connections to a loopback registry use cubic, not the system's pacing default" {
	local default
	default=$(cat /proc/sys/net/ipv4/tcp_congestion_control)
	[ "$default" != cubic ] || skip "the system's congestion control is cubic already: nothing to tell apart"
	grep -qw cubic /proc/sys/net/ipv4/tcp_available_congestion_control ||
		skip "cubic is not available here ($(cat /proc/sys/net/ipv4/tcp_available_congestion_control))"
	command -v ss >/dev/null || fail "ss (iproute2) is needed"
	start_fault_registry
	push_fixture
	# Blob GETs wait, so the client's connections stay open to be looked at.
	fault delay=1.5 path=/blobs/sha256
	"$REGCTL" --store "$STORE" --no-progress image pull "$FREG/test/img:v1" >"$TEST_DIR/pull.log" 2>&1 3>&- &
	local pid=$! i algs=
	echo "$pid" >>"$TEST_DIR/.pids"
	for ((i = 0; i < 100; i++)); do
		algs=$(ss -tinpH dst "$FREG" | grep -A1 "pid=$pid," | grep -ow -E 'cubic|reno|bbr|bbr2|dctcp|htcp|vegas|westwood' | sort -u)
		[ -n "$algs" ] && break
		sleep 0.05
	done
	local rc=0
	wait "$pid" || rc=$?
	[ "$rc" -eq 0 ] || fail "the pull failed ($rc): $(cat "$TEST_DIR/pull.log")"
	[ "$algs" = cubic ] || fail "the client's sockets use: ${algs:-nothing seen} (system default: $default)"
	[ -f "$(blob_path "$STORE" "$LAYER1")" ]
}

@test "identity tokens from docker login: the OAuth2 refresh-token grant" {
	start_fault_registry --auth bearer --user tong:secret --refresh-token rt-secret
	jq -n --arg r "$FREG" '{auths: {($r): {identitytoken: "rt-secret"}}}' >"$DOCKER_CONFIG/config.json"
	push_fixture
	regctl image pull "$FREG/test/img:v1"
	[ "$status" -eq 0 ]
	[ "$output" = "$DIGEST" ]
	# Tokens came from POST /token only; the password was never needed.
	[ "$(flog | jq -r 'select(.path | startswith("/token")) | .method' | sort -u)" = POST ]
	[ "$(flog | jq -r 'select(.path | startswith("/v2/test")) | select(.auth == null) | .path' | wc -l)" -eq 0 ]
	# A refresh token the registry does not know is a clear failure.
	jq -n --arg r "$FREG" '{auths: {($r): {identitytoken: "stale"}}}' >"$DOCKER_CONFIG/config.json"
	rm -rf "$STORE"
	regctl image pull "$FREG/test/img:v1"
	[ "$status" -eq 1 ]
	[[ "$output" == *"authentication to $FREG failed"* ]]
}
