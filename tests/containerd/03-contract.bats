#!/usr/bin/env bats
# The calls containerd's runc v2 shim makes, as
# ../shared/contracts/runtime-callers.md lists them, answered by tong as runc
# answers them: the global flags, delete --force of an unknown id, error
# lines as JSON in --log (shown to the user by the shim), ps --format json,
# update --resources -, the console socket.  Some tests watch the real calls
# through a logging wrapper (use_logging_runtime); others make the shim's
# calls themselves (__tong_ctd) on a container containerd started.

load ../helpers
load helpers-containerd

setup_file() { ctd_setup_file; }
teardown_file() { ctd_teardown_file; }
setup() { ctd_setup; }
teardown() { ctd_teardown; }

# start_task ID [CTR-RUN-OPTS...]: a detached task sleeping, RUNNING; PID.
start_task() {
	local id=$1
	shift
	ctr_run -d "$@" "$IMAGE" "$id" sleep 100000
	[ "$status" -eq 0 ] || fail "ctr run -d $id failed" || return
	wait_task "$id" RUNNING || return
	PID=$(task_pid "$id")
	[ -n "$PID" ] && [ "$PID" -gt 0 ]
}

# check_global_flags LINE: the call carries the shim's global flags
# --root ROOT/NS --log CWD/log.json --log-format json, first.
check_global_flags() {
	local cwd args
	IFS=$'\t' read -r _ cwd _ args <<<"$1"
	local want="--root $CTD_RUNC_ROOT/$CTD_NS --log $cwd/log.json --log-format json "
	[[ "$args" == "$want"* ]] || fail "call without the shim's global flags first: $args"
}

@test "the shim's calls: runc's global flags, every call succeeds" {
	use_logging_runtime
	start_task "$CT"
	run_ctr task exec --fifo-dir "$CTD_DIR/fifo" --exec-id e1 "$CT" true
	[ "$status" -eq 0 ]
	run_ctr task ps "$CT"
	[ "$status" -eq 0 ]
	run_ctr task pause "$CT"
	[ "$status" -eq 0 ]
	run_ctr task resume "$CT"
	[ "$status" -eq 0 ]
	run_ctr task kill -s TERM "$CT"
	[ "$status" -eq 0 ]
	run_ctr task kill --all -s KILL "$CT"
	[ "$status" -eq 0 ]
	wait_task "$CT" STOPPED
	run_ctr task delete "$CT"
	[ "$status" -eq 0 ]
	run_ctr containers rm "$CT"
	[ "$status" -eq 0 ]

	cat "$CALLS" >&2
	local line bundle=$CTD_DIR/state/io.containerd.runtime.v2.task/$CTD_NS/$CT
	while IFS= read -r line; do
		check_global_flags "$line"
		# Run in the bundle, and successful.
		[ "$(cut -f2 <<<"$line")" = "$bundle" ]
		[ "$(cut -f1 <<<"$line")" = 0 ] || fail "failed: $line"
	done <"$CALLS"
	local sub
	for sub in create start exec ps pause resume kill delete; do
		[ -n "$(calls_of "$sub")" ] || fail "no $sub call"
	done
	[[ "$(calls_of create)" == *"create --bundle $bundle --pid-file $bundle/init.pid $CT" ]]
	[[ "$(calls_of exec)" == *"exec --process "*" --detach --pid-file $bundle/e1.pid $CT" ]]
	[[ "$(calls_of ps)" == *"ps --format json $CT" ]]
	# Signals are numbers.
	calls_of kill | grep -q "kill $CT 15\$"
	calls_of kill | grep -q "kill --all $CT 9\$"
}

@test "with a terminal: --console-socket on create and exec" {
	use_logging_runtime
	ctr_tty "run $(__ctr_run_opts | tr '\n' ' ') -d -t $IMAGE $CT sleep 100000"
	[ "$status" -eq 0 ]
	wait_task "$CT" RUNNING
	ctr_tty "task exec --fifo-dir $CTD_DIR/fifo -t --exec-id e1 $CT /probe tty"
	[ "$status" -eq 0 ]
	[[ "$output" == *"stdin=yes stdout=yes"* ]]
	cat "$CALLS" >&2
	local bundle=$CTD_DIR/state/io.containerd.runtime.v2.task/$CTD_NS/$CT
	[[ "$(calls_of create)" == *"create --bundle $bundle --pid-file $bundle/init.pid --console-socket "*" $CT" ]]
	[[ "$(calls_of exec)" == *"exec --process "*" --console-socket "*" --detach --pid-file $bundle/e1.pid $CT" ]]
	[ "$(cut -f1 "$CALLS" | sort -u)" = 0 ]
}

@test "delete --force of an unknown id exits 0 and logs no error (as runc)" {
	run __tong_ctd --log "$BATS_TEST_TMPDIR/log.json" delete --force no-such-container
	echo "$output" >&2
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ ! -s "$BATS_TEST_TMPDIR/log.json" ] || ! grep -q '"level":"error"' "$BATS_TEST_TMPDIR/log.json"
}

@test "delete of an unknown id fails with a JSON error line in --log (as runc)" {
	run __tong_ctd --log "$BATS_TEST_TMPDIR/log.json" delete no-such-container
	[ "$status" -eq 1 ]
	cat "$BATS_TEST_TMPDIR/log.json" >&2
	local last
	last=$(tail -n 1 "$BATS_TEST_TMPDIR/log.json")
	[ "$(jq -r .level <<<"$last")" = error ]
	[[ "$(jq -r .msg <<<"$last")" == *"does not exist"* ]]
	[[ "$(jq -r .time <<<"$last")" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8} ]]
}

@test "a failing create: JSON lines in --log, the last msg is what the user sees" {
	use_logging_runtime
	ctr_run --rm "$IMAGE" "$CT" /nonexistent
	[ "$status" -ne 0 ]
	local said=$output
	cat "$CALLS" >&2
	local create n logfile
	create=$(calls_of create)
	[ "$(cut -f1 <<<"$create")" != 0 ]
	n=$(cut -f3 <<<"$create")
	logfile=$CTD_DIR/calls/log-$n.json
	[ -s "$logfile" ]
	cat "$logfile" >&2
	# Every line is a JSON object with level, msg and time.
	jq -e -s 'all(.[]; (.level | type) == "string" and (.msg | type) == "string" and (.time | type) == "string")' "$logfile"
	local msg
	msg=$(jq -r -s '[.[] | select(.level == "error")] | last | .msg' "$logfile")
	[[ "$msg" == *"/nonexistent"* ]]
	[[ "$said" == *"OCI runtime create failed: $msg"* ]]
	# The shim's cleanup after the failure: delete --force, which succeeds
	# even though create left nothing behind.
	calls_of delete | grep -q "delete --force $CT\$"
	[ "$(calls_of delete | cut -f1 | sort -u)" = 0 ]
}

@test "ps --format json prints a JSON array of host pids" {
	start_task "$CT"
	run_ctr task exec --fifo-dir "$CTD_DIR/fifo" --exec-id e1 -d "$CT" sleep 200000
	[ "$status" -eq 0 ]
	local i
	for ((i = 0; i < WAIT_TRIES; i++)); do
		run __tong_ctd ps --format json "$CT"
		[ "$status" -eq 0 ]
		[ "$(jq 'length' <<<"$output")" -ge 2 ] && break
		sleep 0.1
	done
	echo "$output" >&2
	[ "$(jq -r 'type' <<<"$output")" = array ]
	[ "$(jq -r 'all(.[]; type == "number")' <<<"$output")" = true ]
	jq -e --argjson p "$PID" 'index($p) != null' <<<"$output"
	[ "$(jq 'length' <<<"$output")" -eq 2 ]
}

@test "update --resources - takes the resources JSON on stdin (as CRI sends it)" {
	requires cgroups_v1
	start_task "$CT" --memory-limit 67108864
	local bundle=$CTD_DIR/state/io.containerd.runtime.v2.task/$CTD_NS/$CT
	# CRI sends the whole linux.resources of the spec, updated.
	jq '.linux.resources | .memory.limit = 33554432 | .cpu.shares = 256 | .cpu.quota = 20000 | .cpu.period = 100000' \
		"$bundle/config.json" >"$BATS_TEST_TMPDIR/resources.json"
	cat "$BATS_TEST_TMPDIR/resources.json" >&2
	run __tong_ctd update --resources - "$CT" <"$BATS_TEST_TMPDIR/resources.json"
	echo "$output" >&2
	[ "$status" -eq 0 ]
	[ "$(cat "$(cgroup_of memory "$CT")/memory.limit_in_bytes")" = 33554432 ]
	[ "$(cat "$(cgroup_of cpu "$CT")/cpu.shares")" = 256 ]
	[ "$(cat "$(cgroup_of cpu "$CT")/cpu.cfs_quota_us")" = 20000 ]
	# The task still runs, and containerd sees the new limit.
	run_ctr task metrics --format json "$CT"
	[ "$(jq -r .memory.usage.limit <<<"$output")" = 33554432 ]
}

@test "exec'd processes get fds 0, 1, 2 only" {
	start_task "$CT"
	run_ctr task exec --fifo-dir "$CTD_DIR/fifo" --exec-id e1 "$CT" /probe fds
	[ "$status" -eq 0 ]
	[ "$output" = "0 1 2" ]
}

@test "without a terminal, fds 0, 1, 2 are three separate pipes, also detached" {
	start_task "$CT"
	local fd links=()
	for fd in 0 1 2; do
		links+=("$(readlink "/proc/$PID/fd/$fd")")
	done
	echo "${links[*]}" >&2
	for fd in 0 1 2; do
		[[ "${links[$fd]}" == pipe:* ]]
	done
	[ "${links[0]}" != "${links[1]}" ]
	[ "${links[1]}" != "${links[2]}" ]
	[ "${links[0]}" != "${links[2]}" ]
	# The same for an exec'd process.
	run_ctr task exec --fifo-dir "$CTD_DIR/fifo" --exec-id e1 "$CT" sh -c \
		'for f in 0 1 2; do readlink /proc/self/fd/$f; done'
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	[[ "${lines[0]}" == pipe:* && "${lines[1]}" == pipe:* && "${lines[2]}" == pipe:* ]]
	[ "$(printf '%s\n' "${lines[@]}" | sort -u | wc -l)" -eq 3 ]
}
