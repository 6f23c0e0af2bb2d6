#!/usr/bin/env bats
# Interoperability with skopeo, both ways: what tong-regctl pushes skopeo
# pulls and what skopeo pushes tong-regctl pulls, with byte-identical
# manifests; OCI layouts and archives read by the other tool.

load ../helpers
load helpers-regctl

# One registry for the file; every test writes its own repositories.
setup_file() {
	regctl_setup
	start_registry
	LAYOUT=$TEST_DIR/layout
	DIGEST=$(make_image "$LAYOUT" v1 --layers 2 --size 20000 --gzip)
	MANIFEST=$(blob_path "$LAYOUT" "$DIGEST")
	echo '{"default": [{"type": "insecureAcceptAnything"}]}' >"$TEST_DIR/policy.json"
	export REG LAYOUT DIGEST MANIFEST
}

setup() {
	command -v skopeo >/dev/null || skip "skopeo not installed (make deps)"
	cd "$TEST_DIR" || return
}

teardown_file() {
	regctl_teardown
}

skopeo_() {
	skopeo --policy "$TEST_DIR/policy.json" --registries.d "$TEST_DIR" "$@" 3>&-
}

@test "skopeo pulls what tong-regctl pushed, byte for byte" {
	regctl image copy "oci:$LAYOUT:v1" "$REG/tong/img:v1"
	[ "$status" -eq 0 ]
	skopeo_ inspect --tls-verify=false --raw "docker://$REG/tong/img:v1" >"$TEST_DIR/raw"
	cmp "$TEST_DIR/raw" "$MANIFEST"
	run_logged skopeo_ copy --src-tls-verify=false "docker://$REG/tong/img:v1" "oci:$TEST_DIR/sk:latest"
	[ "$status" -eq 0 ]
	[ "$(jq -r '.manifests[0].digest' "$TEST_DIR/sk/index.json")" = "$DIGEST" ]
	cmp "$(blob_path "$TEST_DIR/sk" "$DIGEST")" "$MANIFEST"
	local d
	for d in $(jq -r '.config.digest, .layers[].digest' "$MANIFEST"); do
		cmp "$(blob_path "$TEST_DIR/sk" "$d")" "$(blob_path "$LAYOUT" "$d")"
	done
}

@test "tong-regctl pulls what skopeo pushed, byte for byte" {
	run_logged skopeo_ copy --dest-tls-verify=false "oci:$LAYOUT:v1" "docker://$REG/skopeo/img:v1"
	[ "$status" -eq 0 ]
	regctl image pull "$REG/skopeo/img:v1"
	[ "$status" -eq 0 ]
	[ "$output" = "$DIGEST" ]
	cmp "$(blob_path "$STORE" "$DIGEST")" "$MANIFEST"
	__regctl manifest get "$REG/skopeo/img:v1" >"$TEST_DIR/m"
	cmp "$TEST_DIR/m" "$MANIFEST"
}

@test "Docker schema2 images round-trip through both tools" {
	local docker
	docker=$(make_image "$LAYOUT" d1 --docker --gzip)
	regctl image copy "oci:$LAYOUT:d1" "$REG/docker/img:v1"
	[ "$status" -eq 0 ]
	[ "$output" = "$docker" ]
	run_logged skopeo_ copy --src-tls-verify=false --dest-tls-verify=false "docker://$REG/docker/img:v1" "docker://$REG/docker/back:v1"
	[ "$status" -eq 0 ]
	regctl digest "$REG/docker/back:v1"
	[ "$output" = "$docker" ]
	regctl --format json manifest head "$REG/docker/back:v1"
	[ "$(jq -r .mediaType <<<"$output")" = application/vnd.docker.distribution.manifest.v2+json ]
}

@test "multi-platform indexes: pushed by one, copied whole by the other" {
	local amd arm index
	amd=$(make_image "$LAYOUT" amd --arch amd64 --no-tag --gzip)
	arm=$(make_image "$LAYOUT" arm --arch arm64 --no-tag --gzip)
	index=$(make_index "$LAYOUT" multi "$amd" "$arm")
	regctl image copy --all-platforms "oci:$LAYOUT:multi" "$REG/multi/img:v1"
	[ "$status" -eq 0 ]
	[ "$output" = "$index" ]
	run_logged skopeo_ copy --all --src-tls-verify=false --dest-tls-verify=false "docker://$REG/multi/img:v1" "docker://$REG/multi/skopeo:v1"
	[ "$status" -eq 0 ]
	regctl digest "$REG/multi/skopeo:v1"
	[ "$output" = "$index" ]
	regctl --platform linux/arm64 digest "$REG/multi/skopeo:v1"
	[ "$output" = "$arm" ]
}

@test "OCI layouts and archives written by one tool are read by the other" {
	regctl image copy "oci:$LAYOUT:v1" "$REG/src/img:v1"
	# tong-regctl writes, skopeo reads.
	regctl image copy "$REG/src/img:v1" "oci:$TEST_DIR/by-tong:t1"
	[ "$status" -eq 0 ]
	run_logged skopeo_ copy --dest-tls-verify=false "oci:$TEST_DIR/by-tong:t1" "docker://$REG/from/tong-layout:v1"
	[ "$status" -eq 0 ]
	regctl image copy "$REG/src/img:v1" "oci-archive:$TEST_DIR/by-tong.tar:t1"
	[ "$status" -eq 0 ]
	run_logged skopeo_ copy --dest-tls-verify=false "oci-archive:$TEST_DIR/by-tong.tar:t1" "docker://$REG/from/tong-archive:v1"
	[ "$status" -eq 0 ]
	regctl digest "$REG/from/tong-archive:v1"
	[ "$output" = "$DIGEST" ]
	# skopeo writes, tong-regctl reads.
	run_logged skopeo_ copy --src-tls-verify=false "docker://$REG/src/img:v1" "oci-archive:$TEST_DIR/by-skopeo.tar:s1"
	[ "$status" -eq 0 ]
	regctl image copy "oci-archive:$TEST_DIR/by-skopeo.tar:s1" "$REG/from/skopeo-archive:v1"
	[ "$status" -eq 0 ]
	[ "$output" = "$DIGEST" ]
	run_logged skopeo_ copy --src-tls-verify=false "docker://$REG/src/img:v1" "oci:$TEST_DIR/by-skopeo:s1"
	regctl image inspect "oci:$TEST_DIR/by-skopeo:s1"
	[ "$status" -eq 0 ]
	[[ "$output" == *"$DIGEST"* ]]
}

@test "skopeo reads a registry tong-regctl logged in to (config.json)" {
	start_registry --tls --htpasswd tong:secret --name AUTH
	regctl registry login -u tong -p secret "$REG_AUTH"
	[ "$status" -eq 0 ]
	regctl image copy "oci:$LAYOUT:v1" "$REG_AUTH/auth/img:v1"
	[ "$status" -eq 0 ]
	run_logged skopeo_ inspect --tls-verify=false --authfile "$DOCKER_CONFIG/config.json" --raw "docker://$REG_AUTH/auth/img:v1"
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat "$MANIFEST")" ]
}
