#!/usr/bin/env bats
# Rootless (issue 5): an unprivileged user runs a `tong spec --rootless`
# bundle, with its state in a root of its own.  The user is nobody (65534):
# no account is created on the machine.

load ../helpers

setup() {
	requires root userns busybox jq
	setup_bundle --no-config
	chmod 755 "$TEST_DIR" "$TEST_DIR/state"
	chown -R 65534:65534 "$BUNDLE" "$TONG_TEST_ROOT"
}

teardown() {
	local id
	# Containers of the $XDG_RUNTIME_DIR test live outside the test's root.
	for id in $(ls "$TEST_DIR/xdg/tong" 2>/dev/null); do
		"$TONG" --root "$TEST_DIR/xdg/tong" delete --force "$id" >/dev/null 2>&1 || true
	done
	teardown_bundle
}

# as_nobody CMD...: runs CMD as uid/gid 65534 with no supplementary groups.
as_nobody() {
	setpriv --reuid 65534 --regid 65534 --clear-groups --inh-caps=-all "$@"
}

@test "rootless: tong spec --rootless maps the caller and leaves the network namespace out" {
	run_logged as_nobody "$TONG" spec --rootless
	[ "$status" -eq 0 ]
	[ "$(jq -c '.linux.uidMappings' config.json)" = '[{"containerID":0,"hostID":65534,"size":1}]' ]
	[ "$(jq -c '.linux.gidMappings' config.json)" = '[{"containerID":0,"hostID":65534,"size":1}]' ]
	jq -e '[.linux.namespaces[].type] | index("user") and (index("network") | not)' config.json
}

@test "rootless: an unprivileged user runs a container and is root inside it" {
	as_nobody "$TONG" spec --rootless
	update_config '.process.terminal = false | .process.args = ["/bin/sh", "-c", "id; cat /proc/self/uid_map"]'
	run_logged as_nobody "$TONG" --root "$TONG_TEST_ROOT" run "$CT_ID"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "uid=0(root) gid=0(root)"* ]]
	[[ "${lines[1]}" =~ ^\ +0\ +65534\ +1$ ]]
	# The state went to the user's root and is gone after the run.
	[ -z "$(ls -A "$TONG_TEST_ROOT")" ]
}

@test "rootless: the default root of an unprivileged user is \$XDG_RUNTIME_DIR/tong" {
	as_nobody "$TONG" spec --rootless
	update_config '.process.terminal = false | .process.args = ["/probe", "pause"]'
	mkdir -p "$TEST_DIR/xdg" && chown 65534:65534 "$TEST_DIR/xdg"
	run_logged as_nobody env XDG_RUNTIME_DIR="$TEST_DIR/xdg" "$TONG" run -d "$CT_ID"
	[ "$status" -eq 0 ]
	[ -f "$TEST_DIR/xdg/tong/$CT_ID/state.json" ]
	run_logged as_nobody env XDG_RUNTIME_DIR="$TEST_DIR/xdg" "$TONG" state "$CT_ID"
	[ "$status" -eq 0 ]
	[ "$(jq -r .status <<<"$output")" = running ]
	run_logged as_nobody env XDG_RUNTIME_DIR="$TEST_DIR/xdg" "$TONG" delete --force "$CT_ID"
	[ "$status" -eq 0 ]
	[ ! -e "$TEST_DIR/xdg/tong/$CT_ID" ]
}

@test "rootless: exec into the user's running container joins its namespaces" {
	as_nobody "$TONG" spec --rootless
	update_config '.process.terminal = false | .process.args = ["/probe", "pause"]'
	run_logged as_nobody "$TONG" --root "$TONG_TEST_ROOT" run -d "$CT_ID"
	[ "$status" -eq 0 ]
	local pid ns
	pid=$(as_nobody "$TONG" --root "$TONG_TEST_ROOT" state "$CT_ID" | jq -r .pid)
	[ "$pid" -gt 0 ]
	for ns in user pid mnt; do
		run_logged as_nobody "$TONG" --root "$TONG_TEST_ROOT" exec "$CT_ID" /probe ns "$ns"
		[ "$status" -eq 0 ]
		[ "$output" = "$(readlink "/proc/$pid/ns/$ns")" ]
	done
	run_logged as_nobody "$TONG" --root "$TONG_TEST_ROOT" exec "$CT_ID" /probe id
	[ "$status" -eq 0 ]
	[ "$output" = "uid=0 gid=0 groups=" ]
	run_logged as_nobody "$TONG" --root "$TONG_TEST_ROOT" delete --force "$CT_ID"
	[ "$status" -eq 0 ]
}
