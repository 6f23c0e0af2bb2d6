#!/usr/bin/env bats
# The container's process as `tong run` sets it up (issue 4, "Process"):
# args, env, cwd, user, umask, HOME, capabilities, rlimits,
# noNewPrivileges, oomScoreAdj, personality, ioPriority, scheduler,
# execCPUAffinity, and a terminal without --console-socket.
#
# runc 1.1.5 is the reference where it implements the field: several tests
# run the same config with runc and compare.  personality, ioPriority,
# scheduler, execCPUAffinity and domainname came after runc 1.1 (runc
# 1.1.5 ignores them), so their expectations come from the runtime-spec.

# shellcheck disable=SC2016 # jq programs and container scripts are single-quoted on purpose
load ../helpers

setup() {
	requires root jq
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

# tong_run_without_cap_sys_resource ARGS...: `tong run ARGS` from a root
# that lacks CAP_SYS_RESOURCE, whatever the caller has: dropped from the
# bounding set, root's capabilities after exec are only those left there.
tong_run_without_cap_sys_resource() {
	run_logged setpriv --bounding-set=-sys_resource \
		timeout -s KILL "$RUN_BOUND" "$TONG" --root "$TONG_TEST_ROOT" run "$@"
}

# same_as_runc: runs the bundle with tong, then with runc; both must succeed
# and print the same.  Leaves runc's output in $output.
same_as_runc() {
	local t
	tong_run "$CT_ID"
	[ "$status" -eq 0 ] || fail "tong failed: $output" || return
	t=$output
	runc run "$CT_ID"
	[ "$status" -eq 0 ] || fail "runc failed: $output" || return
	[ "$t" = "$output" ] || fail "tong printed \"$t\", runc \"$output\""
}

# ---- args, env, cwd ----------------------------------------------------------

@test "process: args reach the process as given" {
	set_args /probe echo "two words" "" 'a"quote' '$HOME'
	tong_run "$CT_ID"
	[ "$status" -eq 0 ]
	[ "$output" = 'two words  a"quote $HOME' ]
}

@test "process: args[0] without a slash is looked up in the process's PATH, as runc" {
	requires runc
	update_config '.process.env = ["PATH=/usr/bin:/"]'
	set_args probe echo found
	same_as_runc
	[ "$output" = found ]
}

@test "process: a missing executable fails, naming it, and leaves nothing behind" {
	set_args /no/such/binary
	tong_run "$CT_ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"/no/such/binary"* ]]
	no_containers_left

	set_args no-such-binary
	tong_run "$CT_ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"no-such-binary"* ]]
	no_containers_left
}

@test "process: env is passed as given, with HOME added" {
	update_config '.process.env = ["PATH=/bin", "A=1", "WITH_SPACE=a b", "EMPTY="]'
	set_args /probe env
	tong_run "$CT_ID"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '%s\n' PATH=/bin A=1 'WITH_SPACE=a b' EMPTY= HOME=/root)" ]
}

@test "process: HOME comes from the container's /etc/passwd when env lacks it, as runc" {
	requires runc
	set_args /probe getenv HOME
	tong_run "$CT_ID"
	[ "$status" -eq 0 ]
	[ "$output" = /root ]

	update_config '.process.user = {uid: 1000, gid: 1000}'
	same_as_runc
	[ "$output" = /home/user ]

	# No passwd entry: "/".
	update_config '.process.user = {uid: 4242, gid: 4242}'
	same_as_runc
	[ "$output" = / ]

	# Given: kept.
	update_config '.process.env += ["HOME=/custom"]'
	same_as_runc
	[ "$output" = /custom ]
}

@test "process: cwd is where the process starts" {
	update_config '.process.cwd = "/tmp"'
	set_args /probe cwd
	tong_run "$CT_ID"
	[ "$status" -eq 0 ]
	[ "$output" = /tmp ]

	update_config '.process.cwd = "/home/user" | .process.user = {uid: 1000, gid: 1000}'
	tong_run "$CT_ID"
	[ "$status" -eq 0 ]
	[ "$output" = /home/user ]
}

@test "process: a missing cwd is made inside the rootfs, as runc and crun do" {
	# Measured with runc 1.1.5 and crun 1.8: both create the directory
	# (before the root is made read-only) and run the process there.
	update_config '.process.cwd = "/no/such/dir"'
	set_args /probe cwd
	tong_run "$CT_ID"
	[ "$status" -eq 0 ]
	[ "$output" = /no/such/dir ]
	[ -d "$BUNDLE/rootfs/no/such/dir" ]
}

@test "process: a cwd that cannot be a directory fails create, naming process.cwd" {
	update_config '.process.cwd = "/etc/passwd/sub"'
	set_args /probe cwd
	tong create "$CT_ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *process.cwd* ]]
	no_containers_left
}

# ---- user ----------------------------------------------------------------------

@test "process: user uid, gid and additionalGids, as runc" {
	requires runc
	update_config '.process.user = {uid: 1000, gid: 1000, additionalGids: [100, 5, 1000]}'
	set_args /probe id
	same_as_runc
	[ "$output" = "uid=1000 gid=1000 groups=5,100,1000" ]

	# No additionalGids: no supplementary groups (root's are dropped).
	update_config '.process.user = {uid: 1000, gid: 1000}'
	same_as_runc
	[ "$output" = "uid=1000 gid=1000 groups=" ]
}

@test "process: user.umask is applied" {
	update_config '.process.user.umask = 23' # 0027
	set_args /probe umask
	tong_run "$CT_ID"
	[ "$status" -eq 0 ]
	[ "$output" = 0027 ]
}

@test "process: without user.umask the umask is 0022 whatever the caller's, as runc" {
	requires runc
	umask 0077
	set_args /probe umask
	same_as_runc
	[ "$output" = 0022 ]
}

# ---- capabilities --------------------------------------------------------------

@test "process: capabilities of the default config, as runc" {
	requires runc
	set_args /probe caps
	same_as_runc
	# AUDIT_WRITE (29), KILL (5), NET_BIND_SERVICE (10); runc 1.1.5's spec
	# also lists them as ambient, which a root process keeps.
	[[ "$output" == *"CapBnd=0000000020000420"* ]]
	[[ "$output" == *"CapPrm=0000000020000420"* ]]
	[[ "$output" == *"CapEff=0000000020000420"* ]]
	[[ "$output" == *"CapInh=0000000000000000"* ]]
}

@test "process: all five capability sets, for root and for a user, as runc" {
	requires runc
	# CHOWN 0, NET_RAW 13, SYS_ADMIN 21, SETPCAP 8.
	update_config '.process.capabilities = {
		bounding: ["CAP_CHOWN", "CAP_SYS_ADMIN", "CAP_NET_RAW", "CAP_SETPCAP"],
		effective: ["CAP_CHOWN", "CAP_SYS_ADMIN"],
		permitted: ["CAP_CHOWN", "CAP_SYS_ADMIN", "CAP_NET_RAW"],
		inheritable: ["CAP_CHOWN", "CAP_NET_RAW"],
		ambient: ["CAP_NET_RAW"]}'
	set_args /probe caps
	same_as_runc
	[ "$output" = "$(printf '%s\n' CapInh=0000000000002001 CapPrm=0000000000202001 \
		CapEff=0000000000202001 CapBnd=0000000000202101 CapAmb=0000000000002000)" ]

	# A user keeps only the ambient ones across exec.
	update_config '.process.user = {uid: 1000, gid: 1000}'
	same_as_runc
	[ "$output" = "$(printf '%s\n' CapInh=0000000000002001 CapPrm=0000000000002000 \
		CapEff=0000000000002000 CapBnd=0000000000202101 CapAmb=0000000000002000)" ]

	# Ambient capabilities not in inheritable and permitted are dropped.
	update_config '.process.capabilities.ambient = ["CAP_NET_RAW", "CAP_SYS_ADMIN", "CAP_CHOWN"]'
	same_as_runc
	[ "$output" = "$(printf '%s\n' CapInh=0000000000002001 CapPrm=0000000000002001 \
		CapEff=0000000000002001 CapBnd=0000000000202101 CapAmb=0000000000002001)" ]
}

@test "process: no process.capabilities means no capabilities at all, as runc and crun" {
	requires runc
	update_config 'del(.process.capabilities)'
	set_args /probe caps
	same_as_runc
	[ "$output" = "$(printf '%s\n' CapInh=0000000000000000 CapPrm=0000000000000000 \
		CapEff=0000000000000000 CapBnd=0000000000000000 CapAmb=0000000000000000)" ]
}

# ---- rlimits -------------------------------------------------------------------

@test "process: rlimits, as runc" {
	requires runc
	update_config '.process.rlimits = [
		{type: "RLIMIT_NOFILE", soft: 512, hard: 2048},
		{type: "RLIMIT_CORE", soft: 0, hard: 0},
		{type: "RLIMIT_NPROC", soft: 100, hard: 200}]'
	set_args /bin/sh -c '/probe rlimit nofile; /probe rlimit core; /probe rlimit nproc'
	same_as_runc
	[ "$output" = "$(printf '%s\n' "512 2048" "0 0" "100 200")" ]
}

@test "process: raising a hard rlimit without CAP_SYS_RESOURCE fails with an error naming it" {
	local hard
	hard=$(ulimit -Hn)
	[ "$hard" != unlimited ] || skip "the caller's RLIMIT_NOFILE hard limit is unlimited"
	[ "$hard" -lt "$(cat /proc/sys/fs/nr_open)" ] || skip "the caller's RLIMIT_NOFILE is at fs.nr_open"
	update_config '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: ($h | tonumber), hard: ($h | tonumber)}]' \
		--arg h "$((hard + 1))"
	set_args /probe rlimit nofile
	tong_run_without_cap_sys_resource "$CT_ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *RLIMIT_NOFILE* ]]
	[[ "$output" == *CAP_SYS_RESOURCE* ]]
	no_containers_left
}

# ---- noNewPrivileges, oomScoreAdj ------------------------------------------------

@test "process: noNewPrivileges true and false, as runc" {
	requires runc
	set_args /probe status NoNewPrivs
	update_config '.process.noNewPrivileges = true'
	same_as_runc
	[ "$output" = 1 ]
	update_config '.process.noNewPrivileges = false'
	same_as_runc
	[ "$output" = 0 ]
}

@test "process: oomScoreAdj raised, as runc" {
	requires runc
	local cur
	cur=$(cat /proc/self/oom_score_adj)
	[ "$cur" -lt 1000 ] || skip "oom_score_adj is already 1000"
	update_config '.process.oomScoreAdj = ($v | tonumber)' --arg v "$((cur + 1))"
	set_args /probe oom-score-adj
	same_as_runc
	[ "$output" = "$((cur + 1))" ]
}

@test "process: lowering oomScoreAdj below its floor without CAP_SYS_RESOURCE fails clearly" {
	[ "$(cat /proc/self/oom_score_adj)" -gt -1000 ] || skip "oom_score_adj is already -1000"
	update_config '.process.oomScoreAdj = -1000'
	set_args /probe oom-score-adj
	tong_run_without_cap_sys_resource "$CT_ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *process.oomScoreAdj* ]]
	no_containers_left
}

# ---- personality, ioPriority, scheduler, execCPUAffinity ---------------------------

@test "process: personality LINUX32 and LINUX" {
	update_config '.linux.personality = {domain: "LINUX32"}'
	set_args /probe personality
	tong_run "$CT_ID"
	[ "$status" -eq 0 ]
	[ "$output" = 0x8 ]

	update_config '.linux.personality = {domain: "LINUX"}'
	tong_run "$CT_ID"
	[ "$status" -eq 0 ]
	[ "$output" = 0x0 ]

	update_config '.linux.personality = {domain: "PDP11"}'
	tong_run "$CT_ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *linux.personality* ]]
}

@test "process: ioPriority" {
	update_config '.process.ioPriority = {class: "IOPRIO_CLASS_BE", priority: 6}'
	set_args /probe ioprio
	tong_run "$CT_ID"
	[ "$status" -eq 0 ]
	[ "$output" = "class=IOPRIO_CLASS_BE level=6" ]

	update_config '.process.ioPriority = {class: "IOPRIO_CLASS_IDLE", priority: 0}'
	tong_run "$CT_ID"
	[ "$status" -eq 0 ]
	[ "$output" = "class=IOPRIO_CLASS_IDLE level=0" ]

	update_config '.process.ioPriority = {class: "IOPRIO_CLASS_NOPE", priority: 0}'
	tong_run "$CT_ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *process.ioPriority* ]]
}

@test "process: scheduler SCHED_BATCH with nice, SCHED_OTHER with nice" {
	update_config '.process.scheduler = {policy: "SCHED_BATCH", nice: 5}'
	set_args /probe sched
	tong_run "$CT_ID"
	[ "$status" -eq 0 ]
	[ "$output" = "policy=SCHED_BATCH priority=0 nice=5" ]

	update_config '.process.scheduler = {policy: "SCHED_OTHER", nice: 10}'
	tong_run "$CT_ID"
	[ "$status" -eq 0 ]
	[ "$output" = "policy=SCHED_OTHER priority=0 nice=10" ]

	update_config '.process.scheduler = {policy: "SCHED_NOPE"}'
	tong_run "$CT_ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *process.scheduler* ]]
}

@test "process: execCPUAffinity final is the process's CPU list" {
	update_config '.process.execCPUAffinity = {final: "0"}'
	set_args /probe status Cpus_allowed_list
	tong_run "$CT_ID"
	[ "$status" -eq 0 ]
	[ "$output" = 0 ]
}

@test "process: execCPUAffinity initial and final differ" {
	requires smp
	update_config '.process.execCPUAffinity = {initial: "0", final: "1"}'
	set_args /probe status Cpus_allowed_list
	tong_run "$CT_ID"
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]

	update_config '.process.execCPUAffinity = {initial: "1", final: "0-1"}'
	tong_run "$CT_ID"
	[ "$status" -eq 0 ]
	[ "$output" = 0-1 ]
}

# ---- terminal, fds --------------------------------------------------------------

@test "process: terminal true without --console-socket is an error for create, as runc" {
	update_config '.process.terminal = true'
	tong create "$CT_ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *console[-\ ]socket* ]]
	no_containers_left
}

@test "process: no descriptor of the caller beyond stdio reaches the process" {
	set_args /probe fds
	tong_run "$CT_ID" 7<"$BUNDLE/config.json" 8>"$TEST_DIR/fd8"
	[ "$status" -eq 0 ]
	[ "$output" = "0 1 2" ]
}
