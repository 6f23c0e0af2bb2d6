#!/usr/bin/env bats
# `tong ps` and `tong update` on the host's cgroups (issue 5).  runc 1.1.5
# is the reference for the output shapes and statuses.  The cgroup v2 side
# of update runs in the cgroup v2 lane (21-cgroup2.bats).

load ../helpers

setup() {
	requires root jq busybox
	setup_bundle
	set_args /probe pause
}

teardown() {
	teardown_bundle
}

start_container() {
	__tong run -d "$CT_ID" </dev/null >"$TEST_DIR/run.out" 2>&1 ||
		fail "tong run -d failed: $(cat "$TEST_DIR/run.out")" || return
	wait_for_state "$CT_ID" running || return
	INIT_PID=$(__tong state "$CT_ID" | jq -r .pid)
	[ "$INIT_PID" -gt 0 ]
}

# ---- ps ----------------------------------------------------------------------

@test "ps: the table of ps(1) for the container's processes, -f json their host pids" {
	set_args /bin/sh -c '/probe pause & exec /probe pause'
	start_container
	local child
	retry 50 0.1 test -n "$(pgrep -P "$INIT_PID")"
	child=$(pgrep -P "$INIT_PID")

	tong ps "$CT_ID"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == UID*PID*PPID*CMD* ]]
	[ "${#lines[@]}" -eq 3 ]
	awk 'NR > 1 { print $2 }' <<<"$output" | sort -n | grep -qx "$INIT_PID"
	awk 'NR > 1 { print $2 }' <<<"$output" | grep -qx "$child"

	tong ps -f json "$CT_ID"
	[ "$status" -eq 0 ]
	jq -e --argjson a "$INIT_PID" --argjson b "$child" 'sort == ([$a, $b] | sort)' <<<"$output"
}

@test "ps: arguments after the id go to ps(1); with json they are refused" {
	start_container
	tong ps "$CT_ID" -o pid,comm
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *PID*COMMAND* ]]
	grep -Eq "^ *$INIT_PID +probe\$" <<<"$output"
	tong ps -f json "$CT_ID" -o pid
	[ "$status" -ne 0 ]
}

@test "ps: a stopped container lists nothing and is no error (runc); an unknown one is" {
	start_container
	tong kill "$CT_ID" KILL
	[ "$status" -eq 0 ]
	wait_for_state "$CT_ID" stopped
	tong ps -f json "$CT_ID"
	[ "$status" -eq 0 ]
	[ "$output" = "[]" ]
	tong ps "$CT_ID"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	tong ps nonexistent-container
	[ "$status" -ne 0 ]
	[[ "$output" == *"does not exist"* ]]
}

# ---- update (cgroup v1) --------------------------------------------------------

@test "update: runc's flags write memory, pids and cpu limits (v1)" {
	requires cgroups_v1
	mountpoint_of memory >/dev/null && mountpoint_of pids >/dev/null && mountpoint_of cpu >/dev/null ||
		skip "needs the v1 memory, pids and cpu hierarchies"
	start_container
	local mem pids cpu
	mem=$(cg_dir memory "$INIT_PID")
	pids=$(cg_dir pids "$INIT_PID")
	cpu=$(cg_dir cpu "$INIT_PID")
	[ "$mem" != "$(mountpoint_of memory)" ]

	tong update --memory 64M --memory-reservation 32M --pids-limit 50 \
		--cpu-period 100000 --cpu-quota 20000 --cpu-share 512 "$CT_ID"
	[ "$status" -eq 0 ]
	[ "$(cat "$mem/memory.limit_in_bytes")" = 67108864 ]
	[ "$(cat "$mem/memory.soft_limit_in_bytes")" = 33554432 ]
	[ "$(cat "$pids/pids.max")" = 50 ]
	[ "$(cat "$cpu/cpu.cfs_period_us")" = 100000 ]
	[ "$(cat "$cpu/cpu.cfs_quota_us")" = 20000 ]
	[ "$(cat "$cpu/cpu.shares")" = 512 ]
	# The container keeps running, and later updates change only what they name.
	[ "$(__tong state "$CT_ID" | jq -r .status)" = running ]
	tong update --pids-limit 60 "$CT_ID"
	[ "$status" -eq 0 ]
	[ "$(cat "$pids/pids.max")" = 60 ]
	[ "$(cat "$mem/memory.limit_in_bytes")" = 67108864 ]
}

@test "update: options may follow the id (runc's argument order)" {
	requires cgroups_v1
	mountpoint_of pids >/dev/null || skip "needs the v1 pids hierarchy"
	start_container
	tong update "$CT_ID" --pids-limit 55
	[ "$status" -eq 0 ]
	[ "$(cat "$(cg_dir pids "$INIT_PID")/pids.max")" = 55 ]
}

@test "update -r FILE and -r - (stdin): linux.resources JSON" {
	requires cgroups_v1
	mountpoint_of memory >/dev/null && mountpoint_of pids >/dev/null || skip "needs the v1 memory and pids hierarchies"
	start_container
	local mem pids
	mem=$(cg_dir memory "$INIT_PID")
	pids=$(cg_dir pids "$INIT_PID")

	echo '{"memory": {"limit": 41943040}, "pids": {"limit": 33}}' >"$TEST_DIR/res.json"
	tong update -r "$TEST_DIR/res.json" "$CT_ID"
	[ "$status" -eq 0 ]
	[ "$(cat "$mem/memory.limit_in_bytes")" = 41943040 ]
	[ "$(cat "$pids/pids.max")" = 33 ]

	run bash -c 'echo "{\"pids\": {\"limit\": 44}}" | "$TONG" --root "$TONG_TEST_ROOT" update -r - "$CT_ID"'
	[ "$status" -eq 0 ]
	[ "$(cat "$pids/pids.max")" = 44 ]
	[ "$(cat "$mem/memory.limit_in_bytes")" = 41943040 ]
}

@test "update: bad input is refused and changes nothing; a stopped container cannot be updated" {
	requires cgroups_v1
	mountpoint_of pids >/dev/null || skip "needs the v1 pids hierarchy"
	start_container
	local pids
	pids=$(cg_dir pids "$INIT_PID")
	tong update --pids-limit 70 "$CT_ID"
	[ "$status" -eq 0 ]

	echo '{"pids": {"limit": "many"}}' >"$TEST_DIR/bad.json"
	tong update -r "$TEST_DIR/bad.json" "$CT_ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *pids.limit* ]]
	echo 'not json' >"$TEST_DIR/bad.json"
	tong update -r "$TEST_DIR/bad.json" "$CT_ID"
	[ "$status" -ne 0 ]
	tong update --memory lots "$CT_ID"
	[ "$status" -ne 0 ]
	[ "$(cat "$pids/pids.max")" = 70 ]

	tong kill "$CT_ID" KILL
	wait_for_state "$CT_ID" stopped
	tong update --pids-limit 80 "$CT_ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"not running"* ]]
}
