#!/usr/bin/env bats
# linux.seccomp as `tong run` applies it (issue 4, "Process" and
# "Security"): actions, errnoRet, argument filters, allow-lists, kill
# actions, unknown names, the notify listener's requirements, and that a
# filter is in place ("Seccomp: 2").  Each expectation was measured with
# runc 1.1.5 (libseccomp 2.5.4) on this machine; most tests also run runc.

# shellcheck disable=SC2016 # jq programs and container scripts are single-quoted on purpose
load ../helpers

setup() {
	requires root jq seccomp
	setup_bundle
}

teardown() {
	teardown_bundle
}

# ---- helpers ---------------------------------------------------------------

# Every foreground `tong run` is bounded: a run that does not return once its
# container has exited fails its test (status 137) instead of stalling the
# whole file.  A bound, not a timing assertion.
: "${RUN_BOUND:=120}"
tong_run() {
	run_logged timeout -s KILL "$RUN_BOUND" "$TONG" --root "$TONG_TEST_ROOT" run "$@"
}

# same_as_runc: runs the bundle with tong, then runc; the same status and
# output.  Leaves runc's in $status and $output.
same_as_runc() {
	local t ts
	tong_run "$CT_ID"
	t=$output ts=$status
	runc run "$CT_ID"
	[ "$ts" -eq "$status" ] || fail "tong exited $ts, runc $status" || return
	[ "$t" = "$output" ] || fail "tong printed \"$t\", runc \"$output\""
}

ARCHES='["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"]'

# seccomp_profile DEFAULT-ACTION RULES: sets linux.seccomp; RULES is a jq
# expression for the syscalls array.
seccomp_profile() {
	update_config ".linux.seccomp = {defaultAction: \$d, architectures: $ARCHES, syscalls: ($2)}" --arg d "$1"
}

# Enough for the probe (static glibc) and for runc's Go init after it loads
# the filter (runc 1.1.5 loads it before opening the exec FIFO).
ALLOW_LIST='["execve", "exit_group", "exit", "brk", "arch_prctl", "set_tid_address",
	"set_robust_list", "rseq", "prlimit64", "readlink", "readlinkat", "mprotect", "getrandom",
	"newfstatat", "fstat", "lstat", "stat", "fstatfs", "statfs", "write", "read", "openat",
	"close", "close_range", "fcntl", "dup2", "dup3", "getdents64", "lseek", "pread64", "ioctl",
	"futex", "nanosleep", "sched_yield", "rt_sigaction", "rt_sigprocmask", "rt_sigreturn",
	"sigaltstack", "gettid", "tgkill", "getpid", "getppid", "getuid", "geteuid", "getgid",
	"getegid", "mmap", "munmap", "madvise", "mlock", "epoll_pwait", "epoll_ctl", "epoll_create1",
	"eventfd2", "pipe2", "wait4", "waitid", "clone", "clone3", "setns", "sched_getaffinity",
	"faccessat", "faccessat2", "uname", "getcwd"]'

# ---- actions -------------------------------------------------------------------

@test "seccomp: defaultAction ALLOW, one call refused with errnoRet, as runc" {
	requires runc
	seccomp_profile SCMP_ACT_ALLOW '[{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: 18}]'
	set_args /probe syscall-errno mkdirat /dev/shm/probe-dir
	same_as_runc
	[ "$status" -eq 0 ]
	[ "$output" = 18 ]

	# Other calls go through.
	set_args /probe syscall-errno getcwd
	same_as_runc
	[ "$output" = 0 ]
}

@test "seccomp: SCMP_ACT_ERRNO without errnoRet is EPERM, as runc" {
	requires runc
	seccomp_profile SCMP_ACT_ALLOW '[{names: ["uname"], action: "SCMP_ACT_ERRNO"}]'
	set_args /probe syscall-errno uname
	same_as_runc
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
}

@test "seccomp: argument filters refuse only the matching calls, as runc" {
	requires runc
	# mkdirat(AT_FDCWD, path, 0755): the probe's mode is 0755 = 493.
	seccomp_profile SCMP_ACT_ALLOW '[{names: ["mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: 13,
		args: [{index: 2, value: 493, op: "SCMP_CMP_EQ"}]}]'
	set_args /probe syscall-errno mkdirat /dev/shm/probe-dir
	same_as_runc
	[ "$output" = 13 ]

	# 0700 = 448: not the probe's mode, the call goes through.
	update_config '.linux.seccomp.syscalls[0].args[0].value = 448'
	same_as_runc
	[ "$output" = 0 ]

	# (mode & 0700) == 0700 matches 0755.
	update_config '.linux.seccomp.syscalls[0].args = [{index: 2, value: 448, valueTwo: 448, op: "SCMP_CMP_MASKED_EQ"}]'
	same_as_runc
	[ "$output" = 13 ]

	# mode != 0755 does not.
	update_config '.linux.seccomp.syscalls[0].args = [{index: 2, value: 493, op: "SCMP_CMP_NE"}]'
	same_as_runc
	[ "$output" = 0 ]
}

@test "seccomp: defaultAction ERRNO with an allow-list that runs the probe, as runc" {
	requires runc
	seccomp_profile SCMP_ACT_ERRNO "[{names: $ALLOW_LIST, action: \"SCMP_ACT_ALLOW\"}]"
	set_args /probe echo allowed
	same_as_runc
	[ "$status" -eq 0 ]
	[ "$output" = allowed ]

	# Not in the list: EPERM.
	set_args /probe syscall-errno mkdirat /dev/shm/probe-dir
	same_as_runc
	[ "$output" = 1 ]
	set_args /probe syscall-errno getcwd
	same_as_runc
	[ "$output" = 0 ]

	# defaultErrnoRet.
	update_config '.linux.seccomp.defaultErrnoRet = 38'
	set_args /probe syscall-errno mkdirat /dev/shm/probe-dir
	same_as_runc
	[ "$output" = 38 ]
}

@test "seccomp: SCMP_ACT_KILL kills the process with SIGSYS, run exits 128+31 as runc" {
	requires runc
	seccomp_profile SCMP_ACT_ALLOW '[{names: ["mkdirat"], action: "SCMP_ACT_KILL"}]'
	set_args /probe syscall-errno mkdirat /dev/shm/probe-dir
	same_as_runc
	[ "$status" -eq 159 ]
	[ -z "$output" ]

	update_config '.linux.seccomp.syscalls[0].action = "SCMP_ACT_KILL_PROCESS"'
	same_as_runc
	[ "$status" -eq 159 ]
}

@test "seccomp: SCMP_ACT_LOG lets the call through, as runc" {
	requires runc
	seccomp_profile SCMP_ACT_ALLOW '[{names: ["mkdirat"], action: "SCMP_ACT_LOG"}]'
	set_args /probe syscall-errno mkdirat /dev/shm/probe-dir
	same_as_runc
	[ "$status" -eq 0 ]
	[ "$output" = 0 ]
}

@test "seccomp: unknown syscall names are ignored, the known ones still filtered, as runc" {
	requires runc
	seccomp_profile SCMP_ACT_ALLOW '[
		{names: ["no_such_syscall_tong", "mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: 13},
		{names: ["another_unknown_one"], action: "SCMP_ACT_ERRNO"}]'
	set_args /probe syscall-errno mkdirat /dev/shm/probe-dir
	same_as_runc
	[ "$status" -eq 0 ]
	[ "$output" = 13 ]
}

# ---- refused profiles --------------------------------------------------------------

@test "seccomp: SCMP_ACT_NOTIFY without listenerPath is refused, naming it" {
	requires runc
	seccomp_profile SCMP_ACT_ALLOW '[{names: ["mkdirat"], action: "SCMP_ACT_NOTIFY"}]'
	tong_run "$CT_ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *listenerPath* ]]
	no_containers_left

	runc run "$CT_ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *listenerPath* ]]
}

@test "seccomp: an unknown action is refused, naming the field" {
	seccomp_profile SCMP_ACT_ALLOW '[{names: ["mkdirat"], action: "SCMP_ACT_NOPE"}]'
	tong_run "$CT_ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"linux.seccomp.syscalls[0]"* ]]
	[[ "$output" == *SCMP_ACT_NOPE* ]]
	no_containers_left

	seccomp_profile SCMP_ACT_NOPE '[]'
	tong_run "$CT_ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *linux.seccomp.defaultAction* ]]
}

# ---- the filter is there -------------------------------------------------------------

@test "seccomp: /proc/self/status shows Seccomp 2 with a filter, 0 without, as runc" {
	requires runc
	set_args /probe status Seccomp
	same_as_runc
	[ "$output" = 0 ]

	seccomp_profile SCMP_ACT_ALLOW '[{names: ["mkdirat"], action: "SCMP_ACT_ERRNO"}]'
	same_as_runc
	[ "$output" = 2 ]
}

@test "seccomp: with noNewPrivileges false the filter is still loaded and applied, as runc" {
	requires runc
	update_config '.process.noNewPrivileges = false'
	seccomp_profile SCMP_ACT_ALLOW '[{names: ["mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: 18}]'
	set_args /bin/sh -c '/probe status NoNewPrivs; /probe status Seccomp; /probe syscall-errno mkdirat /dev/shm/probe-dir'
	same_as_runc
	[ "$output" = "$(printf '%s\n' 0 2 18)" ]
}

@test "seccomp: the filter holds for a non-root user with no capabilities" {
	update_config '.process.user = {uid: 1000, gid: 1000} | .process.capabilities = {}'
	seccomp_profile SCMP_ACT_ALLOW '[{names: ["uname"], action: "SCMP_ACT_ERRNO", errnoRet: 38}]'
	set_args /bin/sh -c '/probe status Seccomp; /probe syscall-errno getpid; /probe id'
	tong_run "$CT_ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 2 ]
	[ "${lines[1]}" = 0 ]
	[ "${lines[2]}" = "uid=1000 gid=1000 groups=" ]
	set_args /probe syscall-errno uname
	tong_run "$CT_ID"
	[ "$status" -eq 0 ]
	[ "$output" = 38 ]
}

# ---- notify and startContainer hooks ---------------------------------------------

# start_agent ERRNO: the test's seccomp agent on $TEST_DIR/agent.sock,
# answering every notification with -ERRNO, logging to $TEST_DIR/agent.log.
start_agent() {
	/usr/bin/python3 "$BATS_TEST_DIRNAME/seccomp-agent.py" "$TEST_DIR/agent.sock" "$TEST_DIR/agent.log" "$1" \
		</dev/null >"$TEST_DIR/agent.out" 2>&1 3>&- &
	AGENT_PID=$!
	track_pid "$AGENT_PID"
	retry "$WAIT_TRIES" 0.1 test -S "$TEST_DIR/agent.sock"
}

@test "seccomp notify: the agent at listenerPath gets the notify fd and the state; its answers reach the process" {
	start_agent 28 # ENOSPC
	seccomp_profile SCMP_ACT_ALLOW '[{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_NOTIFY"}]'
	update_config '.linux.seccomp.listenerPath = $p | .linux.seccomp.listenerMetadata = "from-the-test"' \
		--arg p "$TEST_DIR/agent.sock"
	set_args /probe syscall-errno mkdir /tmp/notified
	tong_run "$CT_ID"
	[ "$status" -eq 0 ]
	[ "$output" = 28 ]
	retry "$WAIT_TRIES" 0.1 test -s "$TEST_DIR/agent.log"
	# The message is the runtime-spec container process state.
	head -n 1 "$TEST_DIR/agent.log" | jq -e '.metadata == "from-the-test" and (.fds | index("seccompFd")) != null
		and .state.id != null and .pid > 0' >/dev/null ||
		fail "agent got: $(head -n 1 "$TEST_DIR/agent.log")"
	# x86_64 mkdir is 83, mkdirat 258
	grep -Eqx '83|258' <(tail -n +2 "$TEST_DIR/agent.log")
}

@test "seccomp notify: an agent that is not there fails create with runc's message" {
	seccomp_profile SCMP_ACT_ALLOW '[{names: ["mkdir"], action: "SCMP_ACT_NOTIFY"}]'
	update_config '.linux.seccomp.listenerPath = $p' --arg p "$TEST_DIR/no-agent.sock"
	tong_run "$CT_ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"failed to connect with seccomp agent"* ]]
	no_containers_left
}

# ---- the cache of compiled programs ------------------------------------------

# tong_debug ARGS...: a bounded tong with --debug (its lines on stderr).
tong_debug() {
	run_logged timeout -s KILL "$RUN_BOUND" "$TONG" --root "$TONG_TEST_ROOT" --debug "$@"
}

@test "seccomp: the program compiled once is kept in @cache and serves the next create and exec; a damaged or foreign entry is compiled again" {
	local cache=$TONG_TEST_ROOT/@cache/seccomp entry
	seccomp_profile SCMP_ACT_ALLOW '[{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: 18}]'
	set_args /probe syscall-errno mkdirat /dev/shm/probe-dir
	tong_debug run "$CT_ID"
	[ "$status" -eq 0 ]
	[[ "$output" == *"seccomp: a program of "*", compiled"* ]]
	[[ "$output" == *$'\n18'* ]]
	entry=$(find "$cache" -type f)
	[ "$(wc -l <<<"$entry")" -eq 1 ]
	[ "$(stat -c %a "$cache")" = 700 ]

	# The next container: the same program from the cache, the same errno.
	tong_debug run "$CT_ID"
	[ "$status" -eq 0 ]
	[[ "$output" == *"seccomp: a program of "*", from the cache"* ]]
	[[ "$output" == *$'\n18'* ]]

	# exec into a running container loads it from the cache too.
	set_args /probe sleep 60
	__tong run -d "$CT_ID" </dev/null >/dev/null 2>&1
	tong_debug exec "$CT_ID" /probe syscall-errno mkdirat /dev/shm/probe-dir
	[ "$status" -eq 0 ]
	[[ "$output" == *"from the cache"* ]]
	[[ "$output" == *$'\n18'* ]]
	__tong delete --force "$CT_ID"
	# Not a container: `list` does not show it.
	[ -z "$(__tong list -q)" ]

	# A damaged entry (one byte of the program changed) is not used: the
	# program is compiled again and the entry rewritten.
	set_args /probe syscall-errno mkdirat /dev/shm/probe-dir
	printf '\377' | dd of="$entry" bs=1 seek=$(($(stat -c %s "$entry") - 3)) conv=notrunc status=none
	tong_debug run "$CT_ID"
	[[ "$output" == *", compiled"* ]]
	[[ "$output" == *$'\n18'* ]]
	tong_debug run "$CT_ID"
	[[ "$output" == *"from the cache"* ]]

	# A truncated one, and another profile's entry under this one's name.
	truncate -s 30 "$entry"
	tong_debug run "$CT_ID"
	[[ "$output" == *", compiled"* ]]
	cp "$entry" "$TEST_DIR/entry-18"
	seccomp_profile SCMP_ACT_ALLOW '[{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: 13}]'
	tong_debug run "$CT_ID"
	[[ "$output" == *", compiled"* ]]
	[[ "$output" == *$'\n13'* ]]
	[ "$(find "$cache" -type f | wc -l)" -eq 2 ]
	for entry in "$cache"/*; do cp "$TEST_DIR/entry-18" "$entry"; done
	tong_debug run "$CT_ID"
	[[ "$output" == *$'\n13'* ]]
	[[ "$output" == *", compiled"* ]]
}

@test "seccomp: startContainer hooks run under the container's filter, with stdio only (runc)" {
	seccomp_profile SCMP_ACT_ALLOW '[{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_KILL"}]'
	update_config '.hooks.startContainer = [{path: "/bin/sh", args: ["sh", "-c", "mkdir /dev/shm/foo"]}]'
	set_args /probe echo unreachable
	tong_run "$CT_ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"error running"*hook* ]]
	[[ "$output" == *"bad system call"* ]]
	[[ "$output" != *unreachable* ]]

	# 0, 1, 2 and the directory ls reads: nothing of the runtime's.
	update_config '.linux.seccomp.syscalls = [] | .hooks.startContainer = [{path: "/bin/sh", args: ["sh", "-c",
		"n=$(ls /proc/self/fd | wc -l); [ $n -eq 4 ] || { ls -l /proc/self/fd; exit 1; }"]}]'
	set_args /probe echo ran
	tong_run "$CT_ID-b"
	[ "$status" -eq 0 ]
	[ "$output" = ran ]
}
