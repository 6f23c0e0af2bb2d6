#!/usr/bin/env bats
# containerd 1.6 runs tong in place of runc (issue 5): a detached task and
# what ctr does with it — exec (with and without a terminal), ps,
# pause/resume, kill, metrics, delete — each through the runc v2 shim's
# calls to tong (../shared/contracts/runtime-callers.md).

load ../helpers
load helpers-containerd

setup_file() { ctd_setup_file; }
teardown_file() { ctd_teardown_file; }
setup() { ctd_setup; }
teardown() { ctd_teardown; }

# start_task ID [CTR-RUN-OPTS...] [-- CMD...]: a detached task running CMD
# (default: sleep for a long time), waited for until RUNNING; sets PID.
start_task() {
	local id=$1 opts=() cmd=(sleep 100000)
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	if [ "${1:-}" = -- ]; then
		shift
		cmd=("$@")
	fi
	ctr_run -d "${opts[@]}" "$IMAGE" "$id" "${cmd[@]}"
	[ "$status" -eq 0 ] || fail "ctr run -d $id failed" || return
	wait_task "$id" RUNNING || return
	PID=$(task_pid "$id")
	[ -n "$PID" ] && [ "$PID" -gt 0 ]
}

# exec_ [-N|!] CTR-TASK-EXEC-ARGS...: ctr task exec with the fifo dir set.
# shellcheck disable=SC2154 # __run_rest: set by __split_run_flags
exec_() {
	__split_run_flags "$@"
	local flags=("${__run_flags[@]}")
	shift $(($# - __run_rest))
	run_ctr "${flags[@]}" task exec --fifo-dir "$CTD_DIR/fifo" "$@"
}

@test "a detached task runs; containerd and tong agree on its pid" {
	start_task "$CT"
	run __tong_ctd state "$CT"
	[ "$status" -eq 0 ]
	[ "$(jq -r .status <<<"$output")" = running ]
	[ "$(jq -r .pid <<<"$output")" = "$PID" ]
	# The shim wrote tong's --pid-file, and the process is ours.
	[ "$(readlink "/proc/$PID/exe")" != "$(readlink /proc/self/exe)" ]
	[ "$(tr '\0' ' ' <"/proc/$PID/cmdline")" = "sleep 100000 " ]
}

@test "ctr task exec: output and exit status of a process in the container" {
	start_task "$CT"
	exec_ --exec-id e1 "$CT" sh -c 'echo in the container; echo to stderr >&2; exit 5'
	[ "$status" -eq 5 ]
	[[ "$output" == *"in the container"* ]]
	[[ "$output" == *"to stderr"* ]]
	exec_ --exec-id e2 "$CT" true
	[ "$status" -eq 0 ]
}

@test "ctr task exec: the process joins the container's namespaces" {
	start_task "$CT"
	exec_ --exec-id e1 "$CT" /probe ns
	[ "$status" -eq 0 ]
	local ns link
	for ns in pid ipc uts mnt net; do
		link=$(grep "^$ns=" <<<"$output" | cut -d= -f2)
		[ "$link" = "$(readlink "/proc/$PID/ns/$ns")" ]
	done
	# pid 1 is the task's init.
	exec_ --exec-id e2 "$CT" sh -c "tr '\\0' ' ' </proc/1/cmdline"
	[ "$status" -eq 0 ]
	[ "$output" = "sleep 100000 " ]
}

@test "ctr task exec --user and --cwd" {
	start_task "$CT"
	exec_ --exec-id e1 --user 1000 --cwd /tmp "$CT" sh -c '/probe id; pwd'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "uid=1000 gid=0 groups=0" ] || [ "${lines[0]}" = "uid=1000 gid=1000 groups=1000" ]
	[ "${lines[1]}" = /tmp ]
}

@test "ctr task exec -t: the exec'd process gets a terminal" {
	start_task "$CT"
	ctr_tty "task exec --fifo-dir $CTD_DIR/fifo -t --exec-id e1 $CT sh -c '/probe tty; exit 4'"
	[ "$status" -eq 4 ]
	[[ "$output" == *"stdin=yes stdout=yes"* ]]
	[[ "$output" == *"name=/dev/pts/"* ]]
}

@test "ctr task exec -d and ctr task ps: every process of the container" {
	start_task "$CT"
	exec_ --exec-id e1 -d "$CT" sleep 200000
	[ "$status" -eq 0 ]
	local i epid=
	for ((i = 0; i < WAIT_TRIES; i++)); do
		run_ctr task ps "$CT"
		[ "$status" -eq 0 ]
		epid=$(awk 'NR > 1 { print $1 }' <<<"$output" | grep -vx "$PID" | head -n 1)
		[ -z "$epid" ] || break
		sleep 0.1
	done
	[ -n "$epid" ]
	[[ "$output" == *"$PID"* ]]
	[ "$(tr '\0' ' ' <"/proc/$epid/cmdline")" = "sleep 200000 " ]
	# containerd signals an exec process itself; the task goes on.
	run_ctr task kill --exec-id e1 -s KILL "$CT"
	[ "$status" -eq 0 ]
	for ((i = 0; i < WAIT_TRIES; i++)); do
		pid_gone "$epid" && break
		sleep 0.1
	done
	pid_gone "$epid"
	[ "$(task_status "$CT")" = RUNNING ]
}

@test "ctr task pause and resume freeze and thaw the container" {
	start_task "$CT"
	run_ctr task pause "$CT"
	[ "$status" -eq 0 ]
	[ "$(task_status "$CT")" = PAUSED ]
	[ "$(cat "$(cgroup_of freezer "$CT")/freezer.state")" = FROZEN ]
	run __tong_ctd state "$CT"
	[ "$(jq -r .status <<<"$output")" = paused ]
	run_ctr task resume "$CT"
	[ "$status" -eq 0 ]
	[ "$(task_status "$CT")" = RUNNING ]
	[ "$(cat "$(cgroup_of freezer "$CT")/freezer.state")" = THAWED ]
	exec_ --exec-id e1 "$CT" echo thawed
	[ "$status" -eq 0 ]
	[ "$output" = thawed ]
}

@test "ctr task kill: the signal reaches init, its exit status is reported" {
	start_task "$CT" -- sh -c 'trap "exit 42" TERM; while :; do sleep 0.2; done'
	run_ctr task kill -s TERM "$CT"
	[ "$status" -eq 0 ]
	wait_task "$CT" STOPPED
	run_ctr task delete "$CT"
	[ "$status" -eq 0 ]
	[[ "$output" == *"exit code 42"* ]]
	pid_gone "$PID"
}

@test "ctr task kill -s KILL: a killed task reports 137" {
	start_task "$CT"
	run_ctr task kill -s KILL "$CT"
	[ "$status" -eq 0 ]
	wait_task "$CT" STOPPED
	run_ctr task delete "$CT"
	[ "$status" -eq 0 ]
	[[ "$output" == *"exit code 137"* ]]
}

@test "ctr task kill --all: every process of the container goes" {
	start_task "$CT"
	exec_ --exec-id e1 -d "$CT" sleep 200000
	[ "$status" -eq 0 ]
	run_ctr task kill --all -s KILL "$CT"
	[ "$status" -eq 0 ]
	wait_task "$CT" STOPPED
	pid_gone "$PID"
	run_ctr task delete "$CT"
	[ "$status" -eq 0 ]
	# Nothing of the container runs any more.
	[ ! -e "$(cgroup_of pids "$CT")" ]
}

@test "ctr run --memory-limit, --cpus, --cpu-shares reach the v1 cgroups" {
	requires cgroups_v1
	start_task "$CT" --memory-limit 67108864 --cpus 0.5 --cpu-shares 512
	[ "$(cat "$(cgroup_of memory "$CT")/memory.limit_in_bytes")" = 67108864 ]
	[ "$(cat "$(cgroup_of cpu "$CT")/cpu.cfs_quota_us")" = 50000 ]
	[ "$(cat "$(cgroup_of cpu "$CT")/cpu.cfs_period_us")" = 100000 ]
	[ "$(cat "$(cgroup_of cpu "$CT")/cpu.shares")" = 512 ]
	grep -qx "$PID" "$(cgroup_of memory "$CT")/cgroup.procs"
	grep -qx "$PID" "$(cgroup_of pids "$CT")/cgroup.procs"
}

@test "ctr task metrics: cpu, memory and pids from the container's cgroups" {
	requires cgroups_v1
	start_task "$CT" --memory-limit 67108864
	run_ctr task metrics --format json "$CT"
	[ "$status" -eq 0 ]
	[ "$(jq -r .memory.usage.limit <<<"$output")" = 67108864 ]
	[ "$(jq -r '.memory.usage.usage > 0' <<<"$output")" = true ]
	[ "$(jq -r '.pids.current >= 1' <<<"$output")" = true ]
	[ "$(jq -r '.cpu.usage.total > 0' <<<"$output")" = true ]
	# The table form too.
	run_ctr task metrics "$CT"
	[ "$status" -eq 0 ]
	[[ "$output" == *"memory.limit_in_bytes"*67108864* ]]
}

@test "ctr task delete removes tong's state, the cgroups and the rootfs mount" {
	start_task "$CT"
	local bundle=$CTD_DIR/state/io.containerd.runtime.v2.task/$CTD_NS/$CT
	[ -n "$(__mounts_under "$bundle/rootfs")" ]
	[ -d "$CTD_RUNC_ROOT/$CTD_NS/$CT" ]
	[ -d "$(cgroup_of memory "$CT")" ]
	# A running task cannot be deleted (runc's answer too).
	run_ctr task delete "$CT"
	[ "$status" -ne 0 ]
	[ "$(task_status "$CT")" = RUNNING ]
	run_ctr task kill -s KILL "$CT"
	wait_task "$CT" STOPPED
	run_ctr task delete "$CT"
	[ "$status" -eq 0 ]
	[ -z "$(task_status "$CT")" ]
	[ ! -e "$CTD_RUNC_ROOT/$CTD_NS/$CT" ]
	local c m
	for c in memory cpu pids freezer devices; do
		m=$(cgroup_of "$c" "$CT") || continue
		[ ! -e "$m" ]
	done
	[ -z "$(__mounts_under "$bundle/rootfs")" ]
	run_ctr containers rm "$CT"
	[ "$status" -eq 0 ]
	[ ! -e "$bundle" ]
}

@test "ctr task delete --force of a running task kills and deletes it" {
	start_task "$CT"
	run_ctr task delete --force "$CT"
	[ "$status" -eq 0 ]
	[ -z "$(task_status "$CT")" ]
	pid_gone "$PID"
	[ ! -e "$CTD_RUNC_ROOT/$CTD_NS/$CT" ]
}
