#!/usr/bin/env bats
# cgroup v2 operations (issues 5 and 7): the eBPF device filter seen from
# inside, CLONE_INTO_CGROUP, pause/resume through cgroup.freeze, kill --all
# through cgroup.kill, events --stats, update, nested, relative and existing
# cgroupsPath, cgroup namespaces and a rootless container in a delegated
# subtree.  Like 21-cgroup2.bats, the tests skip without a pure cgroup v2
# host and run in the VM of `make check-cgroup2` (docs/cgroup2-lane.md).

load ../helpers
load cgroup2

setup() {
	cgroup2_setup
}

teardown() {
	teardown_bundle
}

# ---- devices (eBPF) ----------------------------------------------------------------

@test "cgroups v2: the eBPF device filter allows the rules' devices and denies the others, seen from inside" {
	[ -e /dev/fuse ] || skip "no fuse driver (/dev/fuse)"
	[ -e /dev/loop-control ] || skip "no loop driver (/dev/loop-control)"
	update_config '.linux.resources.devices = [{"allow": false, "access": "rwm"},
		{"allow": true, "type": "c", "major": 10, "minor": 229, "access": "r"}]
		| .process.capabilities.bounding += ["CAP_MKNOD"] | .process.capabilities.effective += ["CAP_MKNOD"]
		| .process.capabilities.permitted += ["CAP_MKNOD"]'
	# openat's errno: 0 allowed, 1 (EPERM) denied by the filter.
	set_args /bin/sh -c 'mknod /dev/tfuse c 10 229 && mknod /dev/tloop c 10 237 || echo mknod-failed
		echo "fuse-read $(/probe syscall-errno openat /dev/tfuse)"
		(echo x >/dev/tfuse) 2>/dev/null && echo fuse-write-ok || echo fuse-write-denied
		echo "loop-control-read $(/probe syscall-errno openat /dev/tloop)"
		echo "null-read $(/probe syscall-errno openat /dev/null)"
		echo "urandom-read $(/probe syscall-errno openat /dev/urandom)"
		(echo x >/dev/null) && echo null-write-ok
		(echo x >/dev/full) 2>&1 | grep -q "No space" && echo full-write-enospc'
	tong run "$CT_ID"
	[ "$status" -eq 0 ]
	[[ "$output" != *mknod-failed* ]]
	[[ "$output" == *"fuse-read 0"* ]]
	[[ "$output" == *fuse-write-denied* ]]
	[[ "$output" == *"loop-control-read 1"* ]]
	[[ "$output" == *"null-read 0"* ]]
	[[ "$output" == *"urandom-read 0"* ]]
	[[ "$output" == *null-write-ok* ]]
	[[ "$output" == *full-write-enospc* ]]
}

@test "cgroups v2: a device rule with wildcards allows a whole major" {
	[ -e /dev/loop-control ] || skip "no loop driver (/dev/loop-control)"
	update_config '.linux.resources.devices = [{"allow": false, "access": "rwm"},
		{"allow": true, "type": "c", "major": 10, "access": "rw"}]
		| .process.capabilities.bounding += ["CAP_MKNOD"] | .process.capabilities.effective += ["CAP_MKNOD"]
		| .process.capabilities.permitted += ["CAP_MKNOD"]'
	set_args /bin/sh -c 'mknod /dev/tloop c 10 237 && echo "loop-control-read $(/probe syscall-errno openat /dev/tloop)"'
	tong run "$CT_ID"
	[ "$status" -eq 0 ]
	[[ "$output" == *"loop-control-read 0"* ]]
}

# ---- creating the process in the cgroup ---------------------------------------------------

@test "cgroups v2: the init is cloned into its cgroup (CLONE_INTO_CGROUP)" {
	command -v strace >/dev/null || skip "strace is not installed (make deps)"
	update_config '.linux.cgroupsPath = "/" + $id' --arg id "$CT_ID"
	set_args /bin/cat /proc/self/cgroup
	# `run`, not `create`: strace -f waits for every process it follows.
	run_logged strace -f -qq -e trace=clone,clone3,openat -o "$TEST_DIR/strace" "$TONG" --root "$TONG_TEST_ROOT" run "$CT_ID"
	[ "$status" -eq 0 ]
	[ "$output" = "0::/$CT_ID" ]
	# The init's clone3 names the cgroup, and nothing writes the init's
	# pid to cgroup.procs afterwards.
	grep -q 'clone3(.*CLONE_INTO_CGROUP' "$TEST_DIR/strace" ||
		fail "no clone3 with CLONE_INTO_CGROUP: $(grep clone "$TEST_DIR/strace")"
	! grep 'cgroup.procs", O_WRONLY' "$TEST_DIR/strace" || fail "cgroup.procs written after clone3"
}

# ---- freezer, kill -------------------------------------------------------------------------

@test "cgroups v2: pause and resume write cgroup.freeze and the kernel reports frozen" {
	create_running
	is "$CG/cgroup.freeze" 0
	tong pause "$CT_ID"
	[ "$status" -eq 0 ]
	is "$CG/cgroup.freeze" 1
	[ "$(key "$CG/cgroup.events" frozen)" = 1 ]
	[ "$(__tong state "$CT_ID" | jq -r .status)" = paused ]
	tong resume "$CT_ID"
	[ "$status" -eq 0 ]
	is "$CG/cgroup.freeze" 0
	retry 100 0.1 key_is cgroup.events frozen 0
	[ "$(__tong state "$CT_ID" | jq -r .status)" = running ]
}

@test "cgroups v2: kill --all KILL goes through cgroup.kill and reaches every process" {
	create_running /bin/sh -c 'sleep 300 & sleep 300 & exec /probe pause'
	retry 100 0.1 nproc_is 3
	if command -v strace >/dev/null; then
		run_logged strace -f -qq -e trace=openat -o "$TEST_DIR/strace" "$TONG" --root "$TONG_TEST_ROOT" kill --all "$CT_ID" KILL
	else
		tong kill --all "$CT_ID" KILL
	fi
	[ "$status" -eq 0 ]
	if [ -e "$TEST_DIR/strace" ]; then
		grep -q 'cgroup.kill"' "$TEST_DIR/strace" || fail "cgroup.kill was not opened: $(cat "$TEST_DIR/strace")"
		grep -q 'cgroup.kill", O_WRONLY' "$TEST_DIR/strace" || fail "cgroup.kill was not written: $(cat "$TEST_DIR/strace")"
		! grep -q 'cgroup.freeze", O_WRONLY' "$TEST_DIR/strace" || fail "froze to kill: $(cat "$TEST_DIR/strace")"
	fi
	retry 100 0.1 nproc_is 0
	wait_for_state "$CT_ID" stopped
}

@test "cgroups v2: kill --all TERM reaches every process, the cgroup is thawed after" {
	create_running /bin/sh -c 'sleep 300 & sleep 300 & exec /probe pause'
	retry 100 0.1 nproc_is 3
	tong kill --all "$CT_ID" TERM
	[ "$status" -eq 0 ]
	# The sleeps die; the init of the pid namespace has no handler for
	# TERM, so the kernel does not deliver it from outside.
	retry 100 0.1 nproc_is 1
	is "$CG/cgroup.freeze" 0
	[ "$(key "$CG/cgroup.events" frozen)" = 0 ]
}

# ---- stats, update ---------------------------------------------------------------------------

@test "cgroups v2: events --stats reports the cgroup's own figures" {
	has_ctrl memory pids cpu
	update_config '.linux.resources.memory = {"limit": 33554432} | .linux.resources.pids = {"limit": 10}'
	create_running
	tong events --stats "$CT_ID"
	[ "$status" -eq 0 ]
	local s=$output
	[ "$(jq -r .type <<<"$s")" = stats ]
	[ "$(jq -r .id <<<"$s")" = "$CT_ID" ]
	[ "$(jq -r .data.pids.current <<<"$s")" = "$(cat "$CG/pids.current")" ]
	[ "$(jq -r .data.pids.limit <<<"$s")" = 10 ]
	[ "$(jq -r .data.memory.usage.limit <<<"$s")" = 33554432 ]
	[ "$(jq -r .data.memory.usage.usage <<<"$s")" -gt 0 ]
	# memory.stat's keys, as runc reports them.
	[ "$(jq -r .data.memory.raw.anon <<<"$s")" = "$(key "$CG/memory.stat" anon)" ] ||
		[ "$(jq -r '.data.memory.raw.anon | type' <<<"$s")" = number ]
	[ "$(jq -r .data.memory.raw.file <<<"$s")" -ge 0 ]
	# cpu.stat's usage_usec in nanoseconds.
	local usec
	usec=$(key "$CG/cpu.stat" usage_usec)
	[ "$(jq -r .data.cpu.usage.total <<<"$s")" -ge $((usec * 1000)) ]
	jq -e '.data.cpu.usage | has("kernel") and has("user")' <<<"$s" >/dev/null
}

@test "cgroups v2: update changes memory, pids, cpu and cpuset, and keeps what it is not given" {
	has_ctrl memory pids cpu cpuset
	update_config '.linux.resources.memory = {"limit": 33554432, "reservation": 16777216}
		| .linux.resources.pids = {"limit": 10}
		| .linux.resources.cpu = {"shares": 1024, "quota": 50000, "period": 100000}'
	create_running
	tong update --memory 67108864 --pids-limit 20 --cpu-quota 25000 --cpu-share 2048 --cpuset-cpus 0 "$CT_ID"
	[ "$status" -eq 0 ]
	is "$CG/memory.max" 67108864
	is "$CG/memory.low" 16777216
	is "$CG/pids.max" 20
	is "$CG/cpu.max" "25000 100000"
	is "$CG/cpu.weight" 79
	is "$CG/cpuset.cpus" 0

	# Only the period: the quota stays.
	run_logged sh -c 'echo "{\"cpu\": {\"period\": 200000}, \"memory\": {\"limit\": 50331648, \"swap\": 50331648}}" |
		"$TONG" --root "$TONG_TEST_ROOT" update --resources - "$CT_ID"'
	[ "$status" -eq 0 ]
	is "$CG/cpu.max" "25000 200000"
	is "$CG/memory.max" 50331648
	[ ! -e "$CG/memory.swap.max" ] || is "$CG/memory.swap.max" 0
	is "$CG/pids.max" 20

	# A limit the kernel refuses is an error naming the field.
	# (cpu.max takes no quota below 1ms.)
	tong update --cpu-quota 500 "$CT_ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"linux.resources.cpu.quota"* ]]
	is "$CG/cpu.max" "25000 200000"
}

# ---- paths ------------------------------------------------------------------------------------

@test "cgroups v2: a nested cgroupsPath is made with its parents and controllers enabled down to it" {
	has_ctrl memory pids
	local top=/sys/fs/cgroup/$CT_ID-nest
	track_cgroup "$top"
	update_config '.linux.cgroupsPath = "/" + $id + "-nest/a/b"
		| .linux.resources.memory = {"limit": 33554432} | .linux.resources.pids = {"limit": 10}' --arg id "$CT_ID"
	create_waiting
	path_is "$CG" "$top/a/b"
	is "$CG/memory.max" 33554432
	is "$CG/pids.max" 10
	local p
	for p in /sys/fs/cgroup "$top" "$top/a"; do
		grep -qw memory "$p/cgroup.subtree_control" || fail "$p/cgroup.subtree_control: $(cat "$p/cgroup.subtree_control")"
		grep -qw pids "$p/cgroup.subtree_control" || fail "$p/cgroup.subtree_control: $(cat "$p/cgroup.subtree_control")"
	done
	tong delete --force "$CT_ID"
	[ "$status" -eq 0 ]
	# As runc, delete removes the container's cgroup, not the parents.
	[ ! -e "$CG" ]
	[ -d "$top/a" ]
}

@test "cgroups v2: a relative cgroupsPath and the default one go under the parent of tong's cgroup" {
	has_ctrl pids
	local base=/sys/fs/cgroup/$CT_ID-runner
	track_cgroup "$base"
	mkdir -p "$base/tong"
	# tong runs in $base/tong, as a service would in its own cgroup.
	in_runner() {
		run_logged sh -c 'echo $$ >"$1/tong/cgroup.procs" && shift && exec "$@"' sh "$base" \
			"$TONG" --root "$TONG_TEST_ROOT" "$@"
	}
	update_config '.linux.cgroupsPath = "rel/" + $id | .linux.resources.pids = {"limit": 5}
		| .process.args = ["/probe", "pause"]' --arg id "$CT_ID"
	in_runner create "$CT_ID"
	[ "$status" -eq 0 ]
	CT_PID=$(__tong state "$CT_ID" | jq -r .pid)
	path_is "$(cgdir "$CT_PID")" "$base/rel/$CT_ID"
	is "$base/rel/$CT_ID/pids.max" 5
	tong delete --force "$CT_ID"
	[ "$status" -eq 0 ]
	[ ! -e "$base/rel/$CT_ID" ]

	update_config 'del(.linux.cgroupsPath)'
	in_runner create "$CT_ID"
	[ "$status" -eq 0 ]
	CT_PID=$(__tong state "$CT_ID" | jq -r .pid)
	path_is "$(cgdir "$CT_PID")" "$base/$CT_ID"
	tong delete --force "$CT_ID"
	[ "$status" -eq 0 ]
	[ ! -e "$base/$CT_ID" ]
}

@test "cgroups v2: an existing cgroup is joined, configured and left in place by delete" {
	has_ctrl pids
	local pre=/sys/fs/cgroup/$CT_ID-pre
	track_cgroup "$pre"
	mkdir "$pre"
	update_config '.linux.cgroupsPath = "/" + $id + "-pre" | .linux.resources.pids = {"limit": 9}' --arg id "$CT_ID"
	create_waiting
	path_is "$CG" "$pre"
	is "$pre/pids.max" 9
	tong delete --force "$CT_ID"
	[ "$status" -eq 0 ]
	[ -d "$pre" ]
	[ "$(nproc_in "$pre")" -eq 0 ]
}

# ---- namespaces, delegation ----------------------------------------------------------------------

@test "cgroups v2: in a cgroup namespace the container sees its cgroup as the root, with its limits" {
	requires cgroupns
	has_ctrl pids
	update_config '.linux.namespaces += [{"type": "cgroup"}] | .linux.resources.pids = {"limit": 6}'
	set_args /bin/sh -c 'cat /proc/self/cgroup; cat /sys/fs/cgroup/pids.max; grep " /sys/fs/cgroup " /proc/self/mountinfo'
	tong run "$CT_ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "0::/" ]
	[[ "${lines[2]}" == *" - cgroup2 "* ]]
	[ "${lines[1]}" = 6 ]
}

@test "cgroups v2: without a cgroup namespace the container sees its full cgroup path" {
	update_config '.linux.cgroupsPath = "/" + $id' --arg id "$CT_ID"
	set_args /bin/sh -c 'cat /proc/self/cgroup; ls /sys/fs/cgroup/cgroup.procs; grep " /sys/fs/cgroup " /proc/self/mountinfo'
	tong run "$CT_ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "0::/$CT_ID" ]
	# its own cgroup, bound read-only at /sys/fs/cgroup (runc)
	[ "${lines[1]}" = /sys/fs/cgroup/cgroup.procs ]
	[[ "${lines[2]}" == *" /$CT_ID /sys/fs/cgroup ro,"*" - cgroup2 "* ]]
}

@test "cgroups v2: rootless in a delegated subtree creates its cgroup there and writes the limits" {
	requires userns busybox
	has_ctrl memory pids
	local base=/sys/fs/cgroup/$CT_ID-deleg
	track_cgroup "$base"
	# Delegation as systemd does it: the controllers enabled above, the
	# directory and its cgroup.procs, cgroup.subtree_control and
	# cgroup.threads owned by the user; the user's processes in a leaf.
	echo "+memory +pids" >/sys/fs/cgroup/cgroup.subtree_control
	mkdir -p "$base/user"
	chown 65534:65534 "$base" "$base"/cgroup.{procs,subtree_control,threads} \
		"$base/user" "$base/user"/cgroup.{procs,subtree_control,threads}
	chmod 755 "$TEST_DIR" "$TEST_DIR/state"
	rm -f "$BUNDLE/config.json"
	chown 65534:65534 "$BUNDLE"
	(cd "$BUNDLE" && setpriv --reuid 65534 --regid 65534 --clear-groups "$TONG" spec --rootless)
	update_config '.process.terminal = false | .process.args = ["/probe", "pause"]
		| .linux.resources.memory = {"limit": 33554432} | .linux.resources.pids = {"limit": 5}'
	chown -R 65534:65534 "$BUNDLE" "$TONG_TEST_ROOT"
	as_user() {
		run_logged sh -c 'echo $$ >"$1/user/cgroup.procs" && shift &&
			exec setpriv --reuid 65534 --regid 65534 --clear-groups --inh-caps=-all "$@"' sh "$base" \
			"$TONG" --root "$TONG_TEST_ROOT" "$@"
	}
	as_user create "$CT_ID"
	[ "$status" -eq 0 ]
	CT_PID=$(__tong state "$CT_ID" | jq -r .pid)
	CG=$(cgdir "$CT_PID")
	path_is "$CG" "$base/$CT_ID"
	[ "$(stat -c %u "$CG")" = 65534 ]
	is "$CG/memory.max" 33554432
	is "$CG/pids.max" 5
	as_user delete --force "$CT_ID"
	[ "$status" -eq 0 ]
	[ ! -e "$CG" ]
}
