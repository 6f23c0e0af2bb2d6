#!/usr/bin/env bats
# The harness itself: fixture rootfs + probe + helpers.bash, driven through
# runc (the reference runtime, with a private --root), so that a failure
# here is in the harness, never in tong.

load ../helpers

setup() {
	requires root runc jq busybox
	# The bundle's config.json comes from runc here, not from tong.
	export SPEC_RUNTIME=$RUNC
	setup_bundle
}

teardown() {
	teardown_bundle
}

@test "harness: the probe runs in a runc container made from the fixture bundle" {
	[ -x "$BUNDLE/rootfs/probe" ]
	[ -x "$BUNDLE/rootfs/bin/busybox" ]
	[ "$(jq -r '.process.args | join(" ")' config.json)" = "/probe echo hello from tong" ]
	[ "$(jq -r .process.terminal config.json)" = false ]

	runc run "$CT_ID"
	[ "$status" -eq 0 ]
	[ "$output" = "hello from tong" ]
}

@test "harness: the probe reports the container's view" {
	set_args /probe id
	runc run "$CT_ID"
	[ "$status" -eq 0 ]
	[[ "$output" == "uid=0 gid=0 groups="* ]]

	update_config '.hostname = "probe-host"'
	set_args /probe hostname
	runc run "$CT_ID"
	[ "$status" -eq 0 ]
	[ "$output" = probe-host ]

	set_args /probe cwd
	runc run "$CT_ID"
	[ "$output" = / ]

	# runc's default capabilities: AUDIT_WRITE (29), KILL (5), NET_BIND_SERVICE (10).
	set_args /probe caps
	runc run "$CT_ID"
	[ "$status" -eq 0 ]
	[[ "$output" == *"CapBnd=0000000020000420"* ]]
	[[ "$output" == *"CapEff=0000000020000420"* ]]

	set_args /probe status NoNewPrivs
	runc run "$CT_ID"
	[ "$output" = 1 ]

	set_args /probe fds
	runc run "$CT_ID"
	[ "$output" = "0 1 2" ]

	set_args /probe rlimit nofile
	runc run "$CT_ID"
	[ "$output" = "1024 1024" ]

	set_args /probe ns pid
	runc run "$CT_ID"
	[ "$status" -eq 0 ]
	[[ "$output" == pid:\[* ]]
	[ "$output" != "$(readlink /proc/self/ns/pid)" ]

	set_args /probe pid
	runc run "$CT_ID"
	[ "$output" = 1 ]

	set_args /probe ls /
	runc run "$CT_ID"
	[ "$status" -eq 0 ]
	[[ "$output" == *probe* ]]
	[[ "$output" == *proc* ]]

	set_args /probe stat /dev/null
	runc run "$CT_ID"
	[ "$output" = "type=chr mode=0666 uid=0 gid=0 rdev=1:3" ]

	set_args /bin/sh -c 'echo sh works; /probe getenv PATH'
	runc run "$CT_ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "sh works" ]
	[ "${lines[1]}" = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" ]
}

@test "harness: exit statuses and usage errors of the probe pass through" {
	set_args /probe exit 3
	runc -3 run "$CT_ID"

	set_args /probe no-such-subcommand
	runc -2 run "$CT_ID"
	[[ "$output" == *"unknown subcommand"* ]]
}

@test "harness: a detached container, wait_for_state and a signal to the probe" {
	update_config '.root.readonly = false'
	set_args /probe wait-signal /tmp/ready
	__runc run -d "$CT_ID" </dev/null >"$TEST_DIR/ct.out" 2>&1
	wait_for_state -r runc "$CT_ID" running
	retry "$WAIT_TRIES" 0.1 test -e "$BUNDLE/rootfs/tmp/ready"

	runc kill "$CT_ID" USR1
	[ "$status" -eq 0 ]
	wait_for_state -r runc "$CT_ID" stopped
	[ "$(cat "$TEST_DIR/ct.out")" = 10 ]

	runc delete "$CT_ID"
	[ "$status" -eq 0 ]
	wait_for_state -r runc "$CT_ID" deleted
}

@test "harness: teardown_bundle removes containers, processes, mounts and the test dir" {
	set_args /probe pause
	runc run -d "$CT_ID"
	[ "$status" -eq 0 ]
	wait_for_state -r runc "$CT_ID" running
	local ct_pid cgroups
	ct_pid=$(__runc state "$CT_ID" | jq -r .pid)
	[ "$ct_pid" -gt 0 ]
	cgroups=$(find /sys/fs/cgroup -maxdepth 6 -type d -name "$CT_ID" 2>/dev/null)
	echo "cgroups: $cgroups"

	mkdir -p "$TEST_DIR/mnt"
	mount -t tmpfs -o size=1m tong-test "$TEST_DIR/mnt"
	mkdir "$TEST_DIR/mnt/inner"
	mount -t tmpfs -o size=1m tong-test "$TEST_DIR/mnt/inner"

	sleep 1000 >/dev/null 2>&1 3>&- &
	local bg_pid=$!
	track_pid "$bg_pid"

	# A cgroup the test makes itself (as a parent for the container, say).
	local cg_base=/sys/fs/cgroup cg
	[ -d /sys/fs/cgroup/pids ] && cg_base=/sys/fs/cgroup/pids
	cg=$cg_base/$CT_ID-parent
	mkdir -p "$cg/child"
	track_cgroup "$cg"

	local dir=$TEST_DIR id=$CT_ID
	teardown_bundle

	[ -z "${TEST_DIR:-}" ]
	[ ! -e "$dir" ]
	pid_gone "$ct_pid"
	pid_gone "$bg_pid"
	run ! grep -qF "$dir" /proc/self/mountinfo
	[ -z "$(find /sys/fs/cgroup -maxdepth 6 -type d -name "$id" 2>/dev/null)" ]
	[ ! -e "$cg" ]
	# Safe to call again (bats calls teardown next).
	teardown_bundle
}

@test "harness: run_crun runs the fixture bundle with cgroup2 hidden, the host untouched" {
	requires crun
	local before
	before=$(grep ' /sys/fs/cgroup' /proc/self/mountinfo)

	run_crun run "$CT_ID"
	[ "$status" -eq 0 ]
	[ "$output" = "hello from tong" ]

	[ "$(grep ' /sys/fs/cgroup' /proc/self/mountinfo)" = "$before" ]
}

@test "harness: update_config keeps config.json valid and takes jq arguments" {
	update_config '.process.env += [$v]' --arg v "GREETING=hello world"
	jq -e '.process.env | index("GREETING=hello world")' config.json
	set_args /probe getenv GREETING
	[ "$(jq -c .process.args config.json)" = '["/probe","getenv","GREETING"]' ]
	runc run "$CT_ID"
	[ "$status" -eq 0 ]
	[ "$output" = "hello world" ]
}
