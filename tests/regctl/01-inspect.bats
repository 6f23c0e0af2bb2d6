#!/usr/bin/env bats
# tong-regctl against a plain-HTTP docker-registry: reading manifests,
# blobs, tags and configs of an image pushed with curl alone.

load ../helpers
load helpers-regctl

# One registry and image for the file: these tests only read (tag ls adds
# tags no other test looks at).
setup_file() {
	regctl_setup
	start_registry
	LAYOUT=$TEST_DIR/layout
	DIGEST=$(make_image "$LAYOUT" v1 --layers 2 --size 5000 --label org.example.k=v)
	curl_push_layout "$LAYOUT" v1 "$REG/test/img:v1"
	MANIFEST=$(blob_path "$LAYOUT" "$DIGEST")
	export REG LAYOUT DIGEST MANIFEST
}

setup() {
	cd "$TEST_DIR" || return
	rm -rf "$TEST_DIR"/got* "$TEST_DIR"/blob* "$TEST_DIR"/config
}

teardown_file() {
	regctl_teardown
}

@test "manifest get prints the manifest byte for byte" {
	regctl manifest get "$REG/test/img:v1"
	[ "$status" -eq 0 ]
	__regctl manifest get "$REG/test/img:v1" >"$TEST_DIR/got"
	cmp "$TEST_DIR/got" "$MANIFEST"
	# By digest too.
	__regctl manifest get "$REG/test/img@$DIGEST" >"$TEST_DIR/got2"
	cmp "$TEST_DIR/got2" "$MANIFEST"
}

@test "manifest get --format json pretty-prints the same document" {
	regctl manifest get --format json "$REG/test/img:v1"
	[ "$status" -eq 0 ]
	[ "$(jq -cS . <<<"$output")" = "$(jq -cS . "$MANIFEST")" ]
}

@test "manifest head and digest print the manifest's digest" {
	regctl manifest head "$REG/test/img:v1"
	[ "$status" -eq 0 ]
	[ "$output" = "$DIGEST" ]
	regctl digest "$REG/test/img:v1"
	[ "$status" -eq 0 ]
	[ "$output" = "$DIGEST" ]
	regctl --format json manifest head "$REG/test/img:v1"
	[ "$status" -eq 0 ]
	[ "$(jq -r .digest <<<"$output")" = "$DIGEST" ]
	[ "$(jq -r .size <<<"$output")" = "$(stat -c %s "$MANIFEST")" ]
	[ "$(jq -r .mediaType <<<"$output")" = application/vnd.oci.image.manifest.v1+json ]
}

@test "the docker:// prefix is accepted" {
	regctl digest "docker://$REG/test/img:v1"
	[ "$status" -eq 0 ]
	[ "$output" = "$DIGEST" ]
}

@test "a missing manifest fails with the registry's error" {
	regctl manifest get "$REG/test/img:nope"
	[ "$status" -eq 1 ]
	[[ "$output" == *"404"* ]]
	[[ "$output" == *"MANIFEST_UNKNOWN"* ]]
	regctl digest "$REG/nope/nope:v1"
	[ "$status" -eq 1 ]
}

@test "blob get writes the blob to stdout or a file, verified" {
	local layer
	layer=$(jq -r '.layers[0].digest' "$MANIFEST")
	__regctl blob get "$REG/test/img" "$layer" >"$TEST_DIR/blob"
	cmp "$TEST_DIR/blob" "$(blob_path "$LAYOUT" "$layer")"
	regctl blob get -o "$TEST_DIR/blob2" "$REG/test/img" "$layer"
	[ "$status" -eq 0 ]
	cmp "$TEST_DIR/blob2" "$(blob_path "$LAYOUT" "$layer")"
	# Only the final file: no temporary left beside it.
	[ "$(find "$TEST_DIR" -maxdepth 1 -name 'blob2*' | wc -l)" -eq 1 ]
}

@test "blob get of an unknown blob fails and writes no file" {
	regctl blob get -o "$TEST_DIR/none" "$REG/test/img" sha256:0000000000000000000000000000000000000000000000000000000000000000
	[ "$status" -eq 1 ]
	[[ "$output" == *"BLOB_UNKNOWN"* ]]
	[ -z "$(find "$TEST_DIR" -maxdepth 1 -name 'none*')" ]
}

@test "blob head reports existence and size" {
	local cfg
	cfg=$(jq -r .config.digest "$MANIFEST")
	regctl --format json blob head "$REG/test/img" "$cfg"
	[ "$status" -eq 0 ]
	[ "$(jq -r .size <<<"$output")" = "$(stat -c %s "$(blob_path "$LAYOUT" "$cfg")")" ]
	regctl blob head "$REG/test/img" sha256:0000000000000000000000000000000000000000000000000000000000000000
	[ "$status" -eq 1 ]
	[[ "$output" == *"not found"* ]]
}

@test "tag ls lists every tag" {
	local t
	for t in a b c d e; do
		curl_push_layout "$LAYOUT" v1 "$REG/test/img:$t"
	done
	regctl tag ls "$REG/test/img"
	[ "$status" -eq 0 ]
	[ "$(sort <<<"$output")" = "$(printf '%s\n' a b c d e v1)" ]
	# distribution 2.8 ignores n; Link pagination is tested in 04-faults.
	regctl tag ls --page-size 2 "$REG/test/img"
	[ "$status" -eq 0 ]
	[ "$(sort <<<"$output")" = "$(printf '%s\n' a b c d e v1)" ]
	regctl --format json tag ls "$REG/test/img"
	[ "$status" -eq 0 ]
	[ "$(jq -r '.tags | length' <<<"$output")" -eq 6 ]
	[ "$(jq -r .name <<<"$output")" = "$REG/test/img" ]
}

@test "image inspect summarises the image" {
	regctl image inspect "$REG/test/img:v1"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Digest:      $DIGEST"* ]]
	[[ "$output" == *"Platform:    linux/amd64"* ]]
	[[ "$output" == *"IMAGE=v1"* ]]
	[[ "$output" == *"org.example.k=v"* ]]
	regctl --format json image inspect "$REG/test/img:v1"
	[ "$status" -eq 0 ]
	[ "$(jq -r .Digest <<<"$output")" = "$DIGEST" ]
	[ "$(jq -r .Architecture <<<"$output")" = amd64 ]
	[ "$(jq -r '.Layers | length' <<<"$output")" -eq 2 ]
	[ "$(jq -r '.Labels["org.example.k"]' <<<"$output")" = v ]
	[ "$(jq -r '.Cmd[0]' <<<"$output")" = /bin/sh ]
}

@test "config get prints the config byte for byte" {
	local cfg
	cfg=$(jq -r .config.digest "$MANIFEST")
	__regctl config get "$REG/test/img:v1" >"$TEST_DIR/config"
	cmp "$TEST_DIR/config" "$(blob_path "$LAYOUT" "$cfg")"
}

@test "the same commands read an OCI layout" {
	regctl digest "oci:$LAYOUT:v1"
	[ "$status" -eq 0 ]
	[ "$output" = "$DIGEST" ]
	regctl --format json image inspect "oci:$LAYOUT:v1"
	[ "$status" -eq 0 ]
	[ "$(jq -r .Digest <<<"$output")" = "$DIGEST" ]
}

@test "a registry that is not there fails at once with a clear error" {
	local port
	port=$(free_port)
	regctl manifest get "127.0.0.1:$port/x/y:z"
	[ "$status" -eq 1 ]
	[[ "$output" == *"127.0.0.1:$port"* ]]
	[[ "$output" == *"onnect"* ]]
}

@test "usage errors are reported" {
	regctl manifest get
	[ "$status" -eq 1 ]
	[[ "$output" == *"usage: tong-regctl manifest get"* ]]
	regctl manifest frobnicate
	[ "$status" -eq 2 ]
	regctl manifest get --bogus x
	[ "$status" -eq 1 ]
	[[ "$output" == *"unknown option"* ]]
	regctl manifest get --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"--platform"* ]]
}
