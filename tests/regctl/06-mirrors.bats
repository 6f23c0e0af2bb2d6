#!/usr/bin/env bats
# Registry mirrors from the per-registry settings (registries.json):
# pulls and copies read an image from the first mirror that has it, in
# order, skipping mirrors that are down or lack it; mirrorByDigestOnly;
# pushes never go to a mirror; broken entries are errors.

load ../helpers
load helpers-regctl

setup() {
	regctl_setup
	start_registry
	start_registry --name M
	LAYOUT=$TEST_DIR/layout
	# The same name, two different images: which one a pull gets tells
	# where it came from.
	UP=$(make_image "$LAYOUT" up --size 1500 --label from=upstream)
	MIR=$(make_image "$LAYOUT" mir --size 1500 --label from=mirror)
	curl_push_layout "$LAYOUT" up "$REG/test/img:v1"
	curl_push_layout "$LAYOUT" up "$REG/test/only:v1"
	curl_push_layout "$LAYOUT" mir "$REG_M/test/img:v1"
	mkdir -p "$XDG_CONFIG_HOME/tong"
}

teardown() {
	regctl_teardown
}

# mirrors_config JSON-OF-THE-ENTRY: the registries.json entry of $REG.
mirrors_config() {
	jq -n --arg r "$REG" --argjson e "$1" '{registries: {($r): $e}}' >"$XDG_CONFIG_HOME/tong/registries.json"
}

@test "mirrors: a pull reads from the first mirror that has the image, and the store names the registry" {
	mirrors_config "$(jq -n --arg m "$REG_M" '{mirrors: [$m]}')"
	regctl --verbose image pull "$REG/test/img:v1"
	[ "$status" -eq 0 ]
	[ "$(tail -n 1 <<<"$output")" = "$MIR" ]
	[[ "$output" == *"mirror: $REG/test/img:v1 from $REG_M/test/img"* ]]
	[[ "$output" == *"GET http://$REG_M/v2/test/img/blobs/"* ]]
	[[ "$output" != *"GET http://$REG/v2/test/img/"* ]]
	[ "$(jq -r '.manifests[0].annotations["org.opencontainers.image.ref.name"]' "$STORE/index.json")" = "$REG/test/img:v1" ]
	# What the mirror lacks comes from the registry itself.
	regctl image pull "$REG/test/only:v1"
	[ "$status" -eq 0 ]
	[ "$output" = "$UP" ]
}

@test "mirrors: one that is down or lacks the image is skipped, in order; path prefixes" {
	local down=127.0.0.1:$(free_port)
	curl_push_layout "$LAYOUT" mir "$REG_M/cache/test/img:v1"
	mirrors_config "$(jq -n --arg d "$down" --arg m "$REG_M/nothing" --arg c "$REG_M/cache" '{mirrors: [$d, $m, $c]}')"
	regctl --verbose image pull "$REG/test/img:v1"
	[ "$status" -eq 0 ]
	[ "$(tail -n 1 <<<"$output")" = "$MIR" ]
	[[ "$output" == *"mirror: skipping $down:"* ]]
	[[ "$output" == *"mirror: skipping $REG_M/nothing:"*"404"* ]]
	[[ "$output" == *"mirror: $REG/test/img:v1 from $REG_M/cache/test/img"* ]]
	# None has it: the registry.
	mirrors_config "$(jq -n --arg d "$down" --arg m "$REG_M/nothing" '{mirrors: [$d, $m]}')"
	rm -rf "$STORE"
	regctl image pull "$REG/test/img:v1"
	[ "$status" -eq 0 ]
	[ "$output" = "$UP" ]
}

@test "mirrors: mirrorByDigestOnly leaves tags to the registry" {
	mirrors_config "$(jq -n --arg m "$REG_M" '{mirrors: [$m], mirrorByDigestOnly: true}')"
	regctl image pull "$REG/test/img:v1"
	[ "$status" -eq 0 ]
	[ "$output" = "$UP" ]
	# By digest the mirror is asked first: only it has this one.
	regctl image pull "$REG/test/img@$MIR"
	[ "$status" -eq 0 ]
	[ "$output" = "$MIR" ]
}

@test "mirrors: copies read through them, pushes never go to them" {
	mirrors_config "$(jq -n --arg m "$REG_M" '{mirrors: [$m]}')"
	regctl image copy "$REG/test/img:v1" "oci:$TEST_DIR/out:x"
	[ "$status" -eq 0 ]
	[ "$output" = "$MIR" ]
	regctl image pull "$REG/test/img:v1"
	[ "$status" -eq 0 ]
	regctl image push "$REG/test/img:v1" "$REG/pushed/img:v1"
	[ "$status" -eq 0 ]
	[ "$output" = "$MIR" ]
	run curl -s -o /dev/null -w '%{http_code}' "http://$REG_M/v2/pushed/img/tags/list"
	[ "$output" = 404 ]
	regctl image copy "oci:$TEST_DIR/out:x" "$REG/copied/img:v1"
	[ "$status" -eq 0 ]
	run curl -s -o /dev/null -w '%{http_code}' "http://$REG_M/v2/copied/img/tags/list"
	[ "$output" = 404 ]
	# Other commands ask the registry itself.
	regctl digest "$REG/test/img:v1"
	[ "$output" = "$UP" ]
}

@test "mirrors: a broken entry is an error" {
	mirrors_config "$(jq -n --arg m "http://$REG_M" '{mirrors: [$m]}')"
	regctl image pull "$REG/test/img:v1"
	[ "$status" -eq 1 ]
	[[ "$output" == *"mirrors: \"http://$REG_M\": give HOST[:PORT][/PREFIX] without a scheme"* ]]
	mirrors_config "$(jq -n --arg m "$REG_M" '{mirrors: $m}')"
	regctl image pull "$REG/test/img:v1"
	[ "$status" -eq 1 ]
	[[ "$output" == *"mirrors: expected an array of strings"* ]]
	mirrors_config "$(jq -n --arg m "$REG_M/" '{mirrors: [$m]}')"
	regctl image pull "$REG/test/img:v1"
	[ "$status" -eq 1 ]
	[[ "$output" == *"is not HOST[:PORT][/PREFIX]"* ]]
	[ "$(jq '.manifests | length' "$STORE/index.json" 2>/dev/null || echo 0)" -eq 0 ]
}
