#!/usr/bin/env bats
# Pull, push and copy between docker-registry, the store, OCI layouts and
# OCI archives; the local store commands; manifest/blob/tag writes.

load ../helpers
load helpers-regctl

setup() {
	regctl_setup
	start_registry
	LAYOUT=$TEST_DIR/layout
	DIGEST=$(make_image "$LAYOUT" v1 --layers 2 --size 10000)
	MANIFEST=$(blob_path "$LAYOUT" "$DIGEST")
	curl_push_layout "$LAYOUT" v1 "$REG/test/img:v1"
}

teardown() {
	regctl_teardown
}

# store_has_blobs DIGEST: the manifest and every blob it names are in $STORE.
store_has_blobs() {
	local m d
	m=$(blob_path "$STORE" "$1")
	[ -f "$m" ] || fail "manifest $1 not in the store" || return
	for d in $(jq -r '.config.digest, .layers[].digest' "$m"); do
		[ -f "$(blob_path "$STORE" "$d")" ] || fail "blob $d not in the store" || return
	done
}

host_arch() {
	case $(uname -m) in
	x86_64) echo amd64 ;;
	aarch64) echo arm64 ;;
	*) uname -m ;;
	esac
}

# An index of two platforms at $REG/multi/img:v1; sets AMD, ARM, INDEX.
push_two_platforms() {
	AMD=$(make_image "$LAYOUT" amd --arch amd64 --no-tag)
	ARM=$(make_image "$LAYOUT" arm --arch arm64 --variant v8 --no-tag)
	INDEX=$(make_index "$LAYOUT" multi "$AMD" "$ARM")
	regctl image copy --all-platforms "oci:$LAYOUT:multi" "$REG/multi/img:v1"
	[ "$status" -eq 0 ] || fail "push of the index failed: $output"
	[ "$output" = "$INDEX" ]
}

@test "image pull: into the store, verified, tagged with the full name" {
	regctl image pull "$REG/test/img:v1"
	[ "$status" -eq 0 ]
	[ "$output" = "$DIGEST" ]
	store_has_blobs "$DIGEST"
	cmp "$(blob_path "$STORE" "$DIGEST")" "$MANIFEST"
	[ "$(jq -r '.manifests[0].annotations["org.opencontainers.image.ref.name"]' "$STORE/index.json")" = "$REG/test/img:v1" ]
	regctl image ls
	[ "$status" -eq 0 ]
	[ "$output" = "$REG/test/img:v1 $DIGEST application/vnd.oci.image.manifest.v1+json" ]
	# Nothing left in ingest/ but the locks.
	[ -z "$(find "$STORE/ingest" -name 'tmp-*')" ]
}

@test "image pull again downloads no blob" {
	regctl image pull "$REG/test/img:v1"
	[ "$status" -eq 0 ]
	regctl --verbose image pull "$REG/test/img:v1"
	[ "$status" -eq 0 ]
	[[ "$output" != *"GET http://$REG/v2/test/img/blobs"* ]]
	[ "$(grep -c 'already there' <<<"$output")" -eq 3 ]
}

@test "image pull by digest tags repository@digest" {
	regctl image pull "$REG/test/img@$DIGEST"
	[ "$status" -eq 0 ]
	[ "$output" = "$DIGEST" ]
	[ "$(jq -r '.manifests[0].annotations["org.opencontainers.image.ref.name"]' "$STORE/index.json")" = "$REG/test/img@$DIGEST" ]
	regctl image inspect "store:$REG/test/img@$DIGEST"
	[ "$status" -eq 0 ]
}

@test "image pull selects the platform from an index" {
	push_two_platforms
	regctl image pull --platform linux/arm64 "$REG/multi/img:v1"
	[ "$status" -eq 0 ]
	[ "$output" = "$ARM" ]
	store_has_blobs "$ARM"
	[ ! -f "$(blob_path "$STORE" "$AMD")" ]
	# The default is this host's platform.
	if [ "$(host_arch)" = amd64 ] || [ "$(host_arch)" = arm64 ]; then
		regctl image pull "$REG/multi/img:v1"
		[ "$status" -eq 0 ]
		if [ "$(host_arch)" = amd64 ]; then [ "$output" = "$AMD" ]; else [ "$output" = "$ARM" ]; fi
	fi
}

@test "image pull of a platform the index lacks fails and leaves the store as it was" {
	push_two_platforms
	regctl image pull --platform linux/s390x "$REG/multi/img:v1"
	[ "$status" -eq 1 ]
	[[ "$output" == *"linux/s390x"* ]]
	[[ "$output" == *"linux/amd64"* ]]
	[[ "$output" == *"linux/arm64"* ]]
	[ "$(jq '.manifests | length' "$STORE/index.json")" -eq 0 ]
}

@test "image pull --all-platforms keeps the index" {
	push_two_platforms
	regctl image pull --all-platforms "$REG/multi/img:v1"
	[ "$status" -eq 0 ]
	[ "$output" = "$INDEX" ]
	store_has_blobs "$AMD"
	store_has_blobs "$ARM"
	[ "$(jq -r '.manifests[0].mediaType' "$STORE/index.json")" = application/vnd.oci.image.index.v1+json ]
	# And back out whole, to another repository.
	regctl image push "$REG/multi/img:v1" "$REG/multi/copy:v1"
	[ "$status" -eq 0 ]
	[ "$output" = "$INDEX" ]
	regctl --platform linux/arm64 digest "$REG/multi/copy:v1"
	[ "$output" = "$ARM" ]
}

@test "image push mounts blobs from the repository the image came from" {
	regctl image pull "$REG/test/img:v1"
	regctl --verbose image push "$REG/test/img:v1" "$REG/other/img:v2"
	[ "$status" -eq 0 ]
	[ "$(tail -n 1 <<<"$output")" = "$DIGEST" ]
	[ "$(grep -c 'mount=.*from=test%2Fimg -> 201' <<<"$output")" -eq 3 ]
	[[ "$output" != *"PUT http://$REG/v2/other/img/blobs"* ]]
	__regctl manifest get "$REG/other/img:v2" >"$TEST_DIR/m"
	cmp "$TEST_DIR/m" "$MANIFEST"
}

@test "image push to another registry uploads, then skips what is there" {
	start_registry --name B
	regctl image pull "$REG/test/img:v1"
	[ "$status" -eq 0 ]
	regctl image push "$REG/test/img:v1" "$REG_B/pushed/img:v1"
	[ "$status" -eq 0 ]
	[ "$output" = "$DIGEST" ]
	__regctl manifest get "$REG_B/pushed/img:v1" >"$TEST_DIR/m"
	cmp "$TEST_DIR/m" "$MANIFEST"
	regctl --verbose image push "$REG/test/img:v1" "$REG_B/pushed/img:v1"
	[ "$status" -eq 0 ]
	[[ "$output" != *"POST"* ]]
	[ "$(grep -c "HEAD http://$REG_B/v2/pushed/img/blobs/.* -> 200" <<<"$output")" -eq 3 ]
}

@test "chunked upload: PATCH requests of --chunk-size, the same blobs" {
	start_registry --name B
	regctl image pull "$REG/test/img:v1"
	regctl --verbose image push --chunk-size 4K "$REG/test/img:v1" "$REG_B/chunked/img:v1"
	[ "$status" -eq 0 ]
	[ "$(tail -n 1 <<<"$output")" = "$DIGEST" ]
	# Two layers of 20 KiB: five chunks each, then the closing PUT.
	[ "$(grep -c "PATCH http://$REG_B/v2/chunked/img/blobs/uploads/" <<<"$output")" -ge 10 ]
	local d
	for d in $(jq -r '.layers[].digest' "$MANIFEST"); do
		__regctl blob get "$REG_B/chunked/img" "$d" >"$TEST_DIR/blob"
		cmp "$TEST_DIR/blob" "$(blob_path "$LAYOUT" "$d")"
	done
}

@test "image copy between registries streams blobs, no local copy" {
	start_registry --name B
	regctl --verbose image copy "$REG/test/img:v1" "$REG_B/copied/img:v1"
	[ "$status" -eq 0 ]
	[ "$(tail -n 1 <<<"$output")" = "$DIGEST" ]
	[ "$(grep -c "GET http://$REG/v2/test/img/blobs/" <<<"$output")" -eq 3 ]
	[ "$(grep -c "PUT http://$REG_B/v2/copied/img/blobs/uploads/" <<<"$output")" -eq 3 ]
	[ -z "$(ls -A "$TMPDIR")" ]
	[ ! -e "$STORE" ]
	__regctl manifest get "$REG_B/copied/img:v1" >"$TEST_DIR/m"
	cmp "$TEST_DIR/m" "$MANIFEST"
	# Chunked, streamed.
	regctl --verbose image copy --chunk-size 3K "$REG/test/img:v1" "$REG_B/copied/chunks:v1"
	[ "$status" -eq 0 ]
	[ "$(grep -c "PATCH http://$REG_B/v2/copied/chunks/blobs/uploads/" <<<"$output")" -ge 14 ]
	local d
	for d in $(jq -r '.layers[].digest' "$MANIFEST"); do
		__regctl blob get "$REG_B/copied/chunks" "$d" >"$TEST_DIR/blob"
		cmp "$TEST_DIR/blob" "$(blob_path "$LAYOUT" "$d")"
	done
}

@test "image copy within a registry mounts" {
	regctl --verbose image copy "$REG/test/img:v1" "$REG/mounted/img:v9"
	[ "$status" -eq 0 ]
	[ "$(grep -c 'mount=.* -> 201' <<<"$output")" -eq 3 ]
	regctl digest "$REG/mounted/img:v9"
	[ "$output" = "$DIGEST" ]
}

@test "image copy to and from OCI layouts and archives" {
	regctl image copy "$REG/test/img:v1" "oci:$TEST_DIR/out:latest"
	[ "$status" -eq 0 ]
	[ "$output" = "$DIGEST" ]
	[ "$(jq -r '.manifests[0].annotations["org.opencontainers.image.ref.name"]' "$TEST_DIR/out/index.json")" = latest ]
	cmp "$(blob_path "$TEST_DIR/out" "$DIGEST")" "$MANIFEST"

	regctl image copy "oci:$TEST_DIR/out:latest" "oci-archive:$TEST_DIR/img.tar:v1"
	[ "$status" -eq 0 ]
	tar tf "$TEST_DIR/img.tar" >"$TEST_DIR/list"
	grep -qx oci-layout "$TEST_DIR/list"
	grep -qx index.json "$TEST_DIR/list"
	grep -qx "blobs/sha256/${DIGEST#sha256:}" "$TEST_DIR/list"
	! grep -q ingest "$TEST_DIR/list"

	regctl image copy "oci-archive:$TEST_DIR/img.tar:v1" "$REG/fromarchive/img:v1"
	[ "$status" -eq 0 ]
	[ "$output" = "$DIGEST" ]
	# Through a pipe: stdout to stdin.
	__regctl image copy "$REG/test/img:v1" oci-archive:- 2>/dev/null |
		__regctl image copy oci-archive:- "oci:$TEST_DIR/piped:p"
	[ "$(jq -r '.manifests[0].digest' "$TEST_DIR/piped/index.json")" = "$DIGEST" ]
	[ -z "$(ls -A "$TMPDIR")" ]
}

@test "image rm and store gc remove what nothing uses" {
	local other
	other=$(make_image "$LAYOUT" v2 --size 3000)
	curl_push_layout "$LAYOUT" v2 "$REG/test/img:v2"
	regctl image pull "$REG/test/img:v1"
	regctl image pull "$REG/test/img:v2"
	[ "$output" = "$other" ]
	regctl image rm "$REG/test/img:v1"
	[ "$status" -eq 0 ]
	[ ! -f "$(blob_path "$STORE" "$DIGEST")" ]
	store_has_blobs "$other"
	regctl image rm "$REG/test/img:v1"
	[ "$status" -eq 1 ]
	regctl image rm --no-gc "$REG/test/img:v2"
	[ "$status" -eq 0 ]
	store_has_blobs "$other"
	regctl store gc
	[ "$status" -eq 0 ]
	[ "$output" = "removed 3 blobs (13072 bytes), kept 0" ] || [[ "$output" == "removed 3 blobs"* ]]
	[ ! -f "$(blob_path "$STORE" "$other")" ]
}

@test "manifest put, manifest delete, tag delete" {
	regctl manifest put "$REG/test/img:again" "$MANIFEST"
	[ "$status" -eq 0 ]
	[ "$output" = "$DIGEST" ]
	regctl tag ls "$REG/test/img"
	[ "$(sort <<<"$output")" = "$(printf '%s\n' again v1)" ]
	regctl tag delete "$REG/test/img:again"
	[ "$status" -eq 0 ]
	regctl tag ls "$REG/test/img"
	[ "$output" = v1 ]
	regctl digest "$REG/test/img:v1"
	[ "$output" = "$DIGEST" ]
	regctl tag delete "$REG/test/img:again"
	[ "$status" -eq 1 ]
	regctl manifest delete "$REG/test/img:v1"
	[ "$status" -eq 0 ]
	[ "$output" = "$DIGEST" ]
	regctl manifest get "$REG/test/img@$DIGEST"
	[ "$status" -eq 1 ]
}

@test "blob put from a file and stdin, to a registry and a layout" {
	head -c 100000 /dev/urandom >"$TEST_DIR/data"
	local want
	want=sha256:$(sha256sum "$TEST_DIR/data" | cut -d' ' -f1)
	regctl blob put "$REG/blobs/x" "$TEST_DIR/data"
	[ "$status" -eq 0 ]
	[ "$output" = "$want" ]
	__regctl blob get "$REG/blobs/x" "$want" | cmp - "$TEST_DIR/data"
	run bash -c '"$REGCTL" blob put --chunk-size 16K "$1/blobs/y" <"$2"' _ "$REG" "$TEST_DIR/data"
	[ "$status" -eq 0 ]
	[ "$output" = "$want" ]
	regctl blob put "oci:$TEST_DIR/lay" "$TEST_DIR/data"
	[ "$status" -eq 0 ]
	cmp "$(blob_path "$TEST_DIR/lay" "$want")" "$TEST_DIR/data"
	regctl blob put --digest sha256:0000000000000000000000000000000000000000000000000000000000000000 "$REG/blobs/x" "$TEST_DIR/data"
	[ "$status" -eq 1 ]
}

@test "referrers: pushed with a subject, listed, copied with --referrers" {
	start_registry --name B
	local empty=sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a sig msize
	printf '{}' >"$TEST_DIR/empty"
	regctl blob put "$REG/test/img" "$TEST_DIR/empty"
	[ "$output" = "$empty" ]
	msize=$(stat -c %s "$MANIFEST")
	jq -cn --arg s "$DIGEST" --argjson n "$msize" --arg e "$empty" '{schemaVersion: 2,
		mediaType: "application/vnd.oci.image.manifest.v1+json", artifactType: "application/vnd.example.sig",
		config: {mediaType: "application/vnd.oci.empty.v1+json", digest: $e, size: 2}, layers: [],
		subject: {mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $s, size: $n},
		annotations: {"org.example.who": "test"}}' >"$TEST_DIR/sig.json"
	regctl manifest put "$REG/test/img@sha256:$(sha256sum "$TEST_DIR/sig.json" | cut -d' ' -f1)" "$TEST_DIR/sig.json"
	[ "$status" -eq 0 ]
	sig=$output
	regctl referrers ls "$REG/test/img:v1"
	[ "$status" -eq 0 ]
	[ "$output" = "$sig application/vnd.example.sig" ]
	regctl --format json referrers ls "$REG/test/img@$DIGEST"
	[ "$(jq -r '.manifests[0].annotations["org.example.who"]' <<<"$output")" = test ]
	regctl referrers ls --artifact-type application/other "$REG/test/img:v1"
	[ "$output" = "" ]

	regctl image copy --referrers "$REG/test/img:v1" "$REG_B/with/refs:v1"
	[ "$status" -eq 0 ]
	regctl referrers ls "$REG_B/with/refs:v1"
	[ "$output" = "$sig application/vnd.example.sig" ]
	regctl image copy "$REG/test/img:v1" "$REG_B/without/refs:v1"
	regctl referrers ls "$REG_B/without/refs:v1"
	[ "$output" = "" ]

	# Into an OCI layout (kept under the referrers tag schema), and out of
	# it again to a registry.
	regctl image copy --referrers "$REG/test/img:v1" "oci:$TEST_DIR/refs:v1"
	[ "$status" -eq 0 ]
	[ "$output" = "$DIGEST" ]
	jq -r '.manifests[].annotations["org.opencontainers.image.ref.name"]' "$TEST_DIR/refs/index.json" |
		grep -qx "sha256-${DIGEST#sha256:}"
	[ -f "$(blob_path "$TEST_DIR/refs" "$sig")" ]
	regctl image copy --referrers "oci:$TEST_DIR/refs:v1" "$REG_B/fromlayout/refs:v1"
	[ "$status" -eq 0 ]
	regctl referrers ls "$REG_B/fromlayout/refs:v1"
	[ "$output" = "$sig application/vnd.example.sig" ]
	regctl image copy "oci:$TEST_DIR/refs:v1" "$REG_B/fromlayout/norefs:v1"
	regctl referrers ls "$REG_B/fromlayout/norefs:v1"
	[ "$output" = "" ]

	# Deleting the referrer takes it off the list.
	regctl manifest delete "$REG/test/img@$sig"
	[ "$status" -eq 0 ]
	regctl referrers ls "$REG/test/img:v1"
	[ "$output" = "" ]
}

@test "progress bars on stderr when it is a terminal, never otherwise" {
	local l0 l1
	l0=$(jq -r '.layers[0].digest' "$MANIFEST")
	l1=$(jq -r '.layers[1].digest' "$MANIFEST")
	l0=${l0#sha256:}
	l1=${l1#sha256:}
	# A terminal (script's pty): a final line per blob, drawn with ANSI
	# erase-line sequences; the digest on stdout as always.
	run script -qefc "$(printf '%q ' "$REGCTL" --store "$STORE" image pull "$REG/test/img:v1")" /dev/null </dev/null
	[ "$status" -eq 0 ]
	[[ "$output" == *$'\e[K'* ]]
	[[ "$output" == *"${l0:0:19}"*"done ("*"KiB)"* ]]
	[[ "$output" == *"${l1:0:19}"*"done ("*"KiB)"* ]]
	[[ "$output" == *"$DIGEST"* ]]
	# Again: every blob is there already.
	run script -qefc "$(printf '%q ' "$REGCTL" --store "$STORE" image pull "$REG/test/img:v1")" /dev/null </dev/null
	[ "$status" -eq 0 ]
	[[ "$output" == *"${l0:0:19}"*"exists ("* ]]
	# --no-progress on a terminal, and no terminal at all: no bars.
	rm -rf "$STORE"
	run script -qefc "$(printf '%q ' "$REGCTL" --store "$STORE" --no-progress image pull "$REG/test/img:v1")" /dev/null </dev/null
	[ "$status" -eq 0 ]
	[[ "$output" != *$'\e'* ]]
	[[ "$output" != *"done ("* ]]
	rm -rf "$STORE"
	run bash -c '"$@" 2>&1' _ "$REGCTL" --store "$STORE" image pull "$REG/test/img:v1"
	[ "$status" -eq 0 ]
	[ "$output" = "$DIGEST" ]
}

@test "a full disk fails the pull at once, with the error, leaving nothing visible" {
	requires root
	local big
	big=$(make_image "$LAYOUT" big --layers 2 --size 3000000)
	curl_push_layout "$LAYOUT" big "$REG/test/big:v1"
	mkdir -p "$TEST_DIR/small"
	# A store on a 1 MiB tmpfs, in a mount namespace of its own.
	# (A writer thread that failed once kept the pull waiting for ever.)
	run unshare -m sh -c 'mount -t tmpfs -o size=1m tmpfs "$1" || exit 99
		timeout -k 5 60 "$2" --store "$1/store" --no-progress image pull "$3"; rc=$?
		ls "$1/store/blobs/sha256" >"$4"; find "$1/store/ingest" -name "tmp-*" >>"$4"; exit $rc' \
		_ "$TEST_DIR/small" "$REGCTL" "$REG/test/big:v1" "$TEST_DIR/left"
	[ "$status" -eq 1 ]
	[[ "$output" == *"No space left on device"* ]]
	[ ! -s "$TEST_DIR/left" ]
	[ "$big" != "" ]
}
