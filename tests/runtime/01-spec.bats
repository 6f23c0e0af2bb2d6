#!/usr/bin/env bats
# `tong spec [--bundle DIR] [--rootless]`: runc's defaults are the
# reference (issue 3).  Checked against runc 1.1.5's `runc spec`; these
# tests pass with TONG=$(type -P runc) except where noted.
#
# Known, deliberate differences from runc 1.1.5 that the tests allow:
#   - ociVersion: runc 1.1.5 writes "1.0.2-dev"; tong writes the spec
#     version it implements (any 1.x.y).
#   - hostname: runc writes "runc"; tong may name itself.
#   - linux.namespaces: newer runc (1.2+) adds a cgroup namespace; tong
#     may too, all other namespaces must be runc's.
#   - linux.maskedPaths: newer runc masks more paths (/proc/interrupts,
#     /sys/devices/virtual/powercap); tong may mask more than runc 1.1.5,
#     never less.
#   - process.capabilities.ambient: runc 1.1.5 sets the three default
#     capabilities as ambient, newer runc sets none; either is accepted,
#     anything else in the capability sets is not.

load ../helpers

setup() {
	requires jq
	setup_bundle --no-config
}

teardown() {
	teardown_bundle
}

# runc_spec [--rootless]: runc's default config.json, on stdout.
runc_spec() {
	local dir
	dir=$(mktemp -d "$TEST_DIR/runc-spec.XXXXXX")
	(cd "$dir" && "$RUNC" spec "$@") >&2 || return
	cat "$dir/config.json"
}

# Drops the fields on which tong may differ from runc (see the top).
normalize='
	del(.ociVersion, .hostname)
	| if .linux.namespaces then .linux.namespaces |= map(select(.type != "cgroup")) else . end
	| if .linux.maskedPaths then .linux.maskedPaths |= map(select(IN($masked[]))) else . end
	| del(.process.capabilities.ambient)
'

@test "spec: writes config.json in the current directory" {
	tong spec
	[ "$status" -eq 0 ]
	[ -s config.json ]
	jq -e . config.json >/dev/null
	# Only the file: the rootfs stays as it was.
	[ -x rootfs/probe ]
}

@test "spec: --bundle DIR and -b DIR write config.json into DIR" {
	mkdir "$TEST_DIR/other" "$TEST_DIR/short"
	tong spec --bundle "$TEST_DIR/other"
	[ "$status" -eq 0 ]
	[ -s "$TEST_DIR/other/config.json" ]
	[ ! -e config.json ]
	jq -e . "$TEST_DIR/other/config.json" >/dev/null

	tong spec -b "$TEST_DIR/short"
	[ "$status" -eq 0 ]
	[ -s "$TEST_DIR/short/config.json" ]
	[ ! -e config.json ]
}

@test "spec: refuses to overwrite an existing config.json" {
	echo '{"mine": true}' >config.json
	tong spec
	[ "$status" -eq 1 ]
	[[ "$output" == *"File config.json exists. Remove it first"* ]]
	[ "$(cat config.json)" = '{"mine": true}' ]

	mkdir "$TEST_DIR/other"
	echo '{"mine": true}' >"$TEST_DIR/other/config.json"
	tong spec --bundle "$TEST_DIR/other"
	[ "$status" -eq 1 ]
	[[ "$output" == *"File config.json exists. Remove it first"* ]]
	[ "$(cat "$TEST_DIR/other/config.json")" = '{"mine": true}' ]
}

@test "spec: the defaults are runc's" {
	tong spec
	[ "$status" -eq 0 ]
	local c=config.json

	jq -e '.ociVersion | test("^1\\.[0-9]+\\.[0-9]+")' $c
	jq -e '.process.args == ["sh"]' $c
	jq -e '.process.terminal == true' $c
	jq -e '.process.user == {"uid": 0, "gid": 0}' $c
	jq -e '.process.cwd == "/"' $c
	jq -e '.process.env == ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"]' $c
	jq -e '.process.noNewPrivileges == true' $c
	jq -e '.process.rlimits == [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}]' $c
	jq -e '.root == {"path": "rootfs", "readonly": true}' $c
	jq -e '.hostname | type == "string" and length > 0' $c

	local caps='["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]'
	jq -e --argjson caps "$caps" '.process.capabilities.bounding | sort == $caps' $c
	jq -e --argjson caps "$caps" '.process.capabilities.effective | sort == $caps' $c
	jq -e --argjson caps "$caps" '.process.capabilities.permitted | sort == $caps' $c
	jq -e --argjson caps "$caps" '(.process.capabilities.ambient // []) | sort | . == [] or . == $caps' $c
	jq -e '.process.capabilities.inheritable // [] | length == 0' $c

	jq -e '[.mounts[].destination] == ["/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/sys/fs/cgroup"]' $c
	jq -e '.mounts[] | select(.destination == "/proc") | .type == "proc"' $c
	jq -e '.mounts[] | select(.destination == "/dev/pts") | .type == "devpts" and (.options | index("newinstance"))' $c
	jq -e '.mounts[] | select(.destination == "/sys") | .type == "sysfs" and (.options | index("ro"))' $c
	jq -e '.mounts[] | select(.destination == "/sys/fs/cgroup") | .type == "cgroup" and (.options | index("ro"))' $c

	jq -e '[.linux.namespaces[].type | select(. != "cgroup")] | sort == ["ipc", "mount", "network", "pid", "uts"]' $c
	jq -e '.linux.namespaces | all(has("path") | not)' $c
	jq -e '.linux.resources.devices == [{"allow": false, "access": "rwm"}]' $c

	local masked='["/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi"]'
	jq -e --argjson m "$masked" '.linux.maskedPaths as $have | $m | all(IN($have[]))' $c
	jq -e '.linux.readonlyPaths | sort == ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]' $c
}

@test "spec: equals runc spec, field by field, except the documented differences" {
	requires runc
	local theirs
	theirs=$(runc_spec)
	tong spec
	[ "$status" -eq 0 ]

	local masked
	masked=$(jq -c '.linux.maskedPaths' <<<"$theirs")
	diff -u <(jq -S --argjson masked "$masked" "$normalize" <<<"$theirs") \
		<(jq -S --argjson masked "$masked" "$normalize" config.json)
}

@test "spec --rootless: a user namespace mapping the current user, no network namespace" {
	requires runc
	tong spec --rootless
	[ "$status" -eq 0 ]
	local c=config.json uid gid
	uid=$(id -u)
	gid=$(id -g)

	jq -e '[.linux.namespaces[].type] | index("user")' $c
	jq -e '[.linux.namespaces[].type] | index("network") | not' $c
	jq -e --argjson u "$uid" '.linux.uidMappings == [{"containerID": 0, "hostID": $u, "size": 1}]' $c
	jq -e --argjson g "$gid" '.linux.gidMappings == [{"containerID": 0, "hostID": $g, "size": 1}]' $c
	# Without a network namespace sysfs cannot be mounted: /sys is bound.
	jq -e '.mounts[] | select(.destination == "/sys") | .type == "none" and .source == "/sys" and (.options | index("rbind"))' $c
	# No gid=5 for devpts: the group may not be mapped.
	jq -e '.mounts[] | select(.destination == "/dev/pts") | .options | any(startswith("gid=")) | not' $c
	# No device cgroup rules: an unprivileged user cannot set them.
	jq -e '.linux.resources.devices // [] | length == 0' $c

	local theirs masked
	theirs=$(runc_spec --rootless)
	masked=$(jq -c '.linux.maskedPaths' <<<"$theirs")
	diff -u <(jq -S --argjson masked "$masked" "$normalize" <<<"$theirs") \
		<(jq -S --argjson masked "$masked" "$normalize" $c)
}

@test "spec: the generated config runs the fixture bundle under runc" {
	requires root runc
	tong spec
	[ "$status" -eq 0 ]
	update_config '.process.terminal = false'
	set_args /probe echo "spec works in runc"

	runc run "$CT_ID"
	[ "$status" -eq 0 ]
	[ "$output" = "spec works in runc" ]
}

@test "spec: the generated config runs the fixture bundle under crun" {
	requires root crun
	tong spec
	[ "$status" -eq 0 ]
	update_config '.process.terminal = false'
	set_args /probe echo "spec works in crun"

	run_crun run "$CT_ID"
	[ "$status" -eq 0 ]
	[ "$output" = "spec works in crun" ]
}

@test "spec --rootless: the generated config runs the fixture bundle under runc" {
	requires root runc userns
	tong spec --rootless
	[ "$status" -eq 0 ]
	update_config '.process.terminal = false'
	set_args /probe ns user

	runc run "$CT_ID"
	[ "$status" -eq 0 ]
	[[ "$output" == user:\[* ]]
	[ "$output" != "$(readlink /proc/self/ns/user)" ]
}
