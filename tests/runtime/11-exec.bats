#!/usr/bin/env bats
# `tong exec`: a new process in a running container, with runc's flags
# (issue 5).  runc 1.1.5 is the reference: these tests pass with
# TONG=$(type -P runc) except where a comment says otherwise.  Like runc,
# exec exits with the process's status, 128+signal when it was killed, and
# 255 when exec itself fails.
#
# Foreground exec goes through tong_fg: a runtime that never returns fails
# the test after $FG_TIMEOUT seconds instead of hanging the suite (a bound,
# not a timing assertion).

load ../helpers

: "${FG_TIMEOUT:=60}"

setup() {
	requires root jq busybox
	setup_bundle
	update_config '.root.readonly = false | .hostname = "exec-host"'
	set_args /probe pause
}

teardown() {
	teardown_bundle
}

# tong_fds ARGS...: bounded tong with descriptors set up by the function
# itself (run_logged's capture closes fd 3): STDIN a file for fd 0
# (default /dev/null), FD3 a file opened on fd 3, HELD a file held open on
# fds 3 to 9.
tong_fds() {
	local in=${STDIN:-/dev/null} held=${HELD:-}
	if [ -n "${FD3:-}" ]; then
		exec 3<"$FD3"
	fi
	if [ -n "$held" ]; then
		exec 3<"$held" 4<"$held" 5<"$held" 6<"$BUNDLE" 7<"$held" 8<"$held" 9<"$held"
	fi
	timeout -s KILL "$FG_TIMEOUT" "$TONG" --root "$TONG_TEST_ROOT" "$@" <"$in"
}

# alive PID: fails when PID is gone.
alive() {
	if pid_gone "$1"; then
		fail "process $1 is gone"
	fi
}

# start_container: runs the bundle detached as $CT_ID (its streams in
# $TEST_DIR/$CT_ID.out), waits until it runs; INIT_PID is its pid.
start_container() {
	local id=$CT_ID
	__tong run -d "$id" </dev/null >"$TEST_DIR/$id.out" 2>&1 ||
		fail "tong run -d $id failed: $(cat "$TEST_DIR/$id.out")" || return
	wait_for_state "$id" running || return
	INIT_PID=$(__tong state "$id" | jq -r .pid)
	[ "$INIT_PID" -gt 0 ]
}

# cap_line NAME: the CapNAME= line of the probe's `caps` output in $output.
cap_line() {
	grep "^Cap$1=" <<<"$output"
}

# ---- output and exit status ------------------------------------------------

@test "exec: the command's output and exit status" {
	start_container
	tong_fg exec "$CT_ID" /probe echo hello "from exec"
	[ "$status" -eq 0 ]
	[ "$output" = "hello from exec" ]

	tong_fg exec "$CT_ID" /probe exit 5
	[ "$status" -eq 5 ]

	tong_fg exec "$CT_ID" /probe echoerr "to stderr"
	[ "$status" -eq 0 ]
	[ "$output" = "to stderr" ]
	# The container is not disturbed.
	[ "$(__tong state "$CT_ID" | jq -r .status)" = running ]
}

@test "exec: 20 short commands in a row, each returns its exit status" {
	start_container
	local i
	for ((i = 0; i < 20; i++)); do
		FG_TIMEOUT=20 tong_fg exec "$CT_ID" /probe exit $((i + 1))
		[ "$status" -eq $((i + 1)) ] || fail "exec #$i: status $status, not $((i + 1))"
		[ -z "$output" ] || fail "exec #$i: unexpected output: $output"
	done
}

@test "exec: the process reads the caller's stdin" {
	start_container
	printf 'one\ntwo\n' >"$TEST_DIR/in"
	STDIN=$TEST_DIR/in run_logged tong_fds exec "$CT_ID" /probe cat -
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'one\ntwo')" ]
}

@test "exec: a process killed by a signal makes exec exit 128+signal" {
	start_container
	tong_fg exec "$CT_ID" /bin/sh -c 'kill -USR1 $$'
	[ "$status" -eq 138 ]
}

@test "exec: SIGTERM to a foreground exec is forwarded to the process" {
	start_container
	"$TONG" --root "$TONG_TEST_ROOT" exec "$CT_ID" /probe wait-signal /tmp/exec-ready \
		</dev/null >"$TEST_DIR/exec.out" 2>&1 3>&- &
	local exec_pid=$! rc=0
	track_pid "$exec_pid"
	retry "$WAIT_TRIES" 0.1 test -e rootfs/tmp/exec-ready
	kill -TERM "$exec_pid"
	retry "$WAIT_TRIES" 0.1 pid_gone "$exec_pid"
	wait "$exec_pid" || rc=$?
	[ "$rc" -eq 0 ] || fail "exec exited $rc: $(cat "$TEST_DIR/exec.out")"
	[ "$(cat "$TEST_DIR/exec.out")" = 15 ]
}

# ---- errors ----------------------------------------------------------------

@test "exec: a missing executable fails with exit 255 naming it; the container keeps running" {
	start_container
	tong_fg exec "$CT_ID" /no/such/executable
	[ "$status" -eq 255 ]
	[[ "$output" == *"/no/such/executable"* ]]
	# Said once (the parent prints what the child reports before READY).
	[ "$(grep -c 'no/such/executable' <<<"$output")" -eq 1 ]
	[ "$(__tong state "$CT_ID" | jq -r .status)" = running ]
	alive "$INIT_PID"
}

@test "exec: a failure after READY (execve of a file that is not a program) exits 127, said once on stderr" {
	start_container
	printf 'not a program\n' >"$BUNDLE/rootfs/not-a-program"
	chmod 0755 "$BUNDLE/rootfs/not-a-program"
	tong_fg -127 exec "$CT_ID" /not-a-program
	[ "$status" -eq 127 ]
	[[ "$output" == *"/not-a-program: Exec format error"* ]]
	[ "$(grep -c 'not-a-program' <<<"$output")" -eq 1 ]
	alive "$INIT_PID"
}

@test "exec: in a stopped container it fails with exit 255" {
	set_args /probe exit 0
	__tong run -d "$CT_ID" </dev/null >"$TEST_DIR/ct.out" 2>&1
	wait_for_state "$CT_ID" stopped
	tong_fg exec "$CT_ID" /probe echo should not run
	[ "$status" -eq 255 ]
	[[ "$output" == *stopped* ]]
	[[ "$output" != *"should not run"* ]]
}

@test "exec: in a paused container it fails with exit 255, naming --ignore-paused; after resume it runs" {
	requires cgroups_v1
	start_container
	tong pause "$CT_ID"
	[ "$status" -eq 0 ]
	tong_fg exec "$CT_ID" /probe echo should not run
	[ "$status" -eq 255 ]
	[[ "$output" == *paused*--ignore-paused* ]]
	[[ "$output" != *"should not run"* ]]
	tong resume "$CT_ID"
	[ "$status" -eq 0 ]
	tong_fg exec "$CT_ID" /probe echo runs
	[ "$status" -eq 0 ]
	[ "$output" = runs ]
}

@test "exec: an unknown container or no command fails with exit 255" {
	tong_fg exec "$CT_ID-nosuch" /probe echo hi
	[ "$status" -eq 255 ]
	[[ "$output" == *"does not exist"* ]]

	start_container
	tong_fg exec "$CT_ID"
	[ "$status" -eq 255 ]
}

@test "exec: works in a created container, before start (as runc)" {
	tong create "$CT_ID"
	[ "$status" -eq 0 ]
	tong_fg exec "$CT_ID" /probe echo in created
	[ "$status" -eq 0 ]
	[ "$output" = "in created" ]
	[ "$(__tong state "$CT_ID" | jq -r .status)" = created ]
}

# ---- flags -----------------------------------------------------------------

@test "exec --env: adds variables and replaces those of the config" {
	start_container
	tong_fg exec --env FOO=bar --env "SECOND=two words" --env PATH=/bin:/probe-path "$CT_ID" /probe env
	[ "$status" -eq 0 ]
	grep -qx FOO=bar <<<"$output"
	grep -qx "SECOND=two words" <<<"$output"
	# From the config, untouched.
	grep -qx TERM=xterm <<<"$output"
	# Replaced, not added twice.
	[ "$(grep -c '^PATH=' <<<"$output")" -eq 1 ]
	grep -qx PATH=/bin:/probe-path <<<"$output"

	tong_fg exec -e SHORT=form "$CT_ID" /probe getenv SHORT
	[ "$status" -eq 0 ]
	[ "$output" = form ]
}

@test "exec --cwd: the working directory; without it the config's" {
	update_config '.process.cwd = "/var"'
	start_container
	tong_fg exec --cwd /tmp "$CT_ID" /probe cwd
	[ "$status" -eq 0 ]
	[ "$output" = /tmp ]

	tong_fg exec "$CT_ID" /probe cwd
	[ "$status" -eq 0 ]
	[ "$output" = /var ]
}

@test "exec: the process's cwd and root are inside the container (CVE-2024-21626)" {
	start_container
	tong_fg exec "$CT_ID" /bin/sh -c '/probe readlink /proc/self/cwd; /probe readlink /proc/self/root; /probe ls .'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = / ]
	[ "${lines[1]}" = / ]
	grep -qx probe <<<"$output"
	if grep -qx config.json <<<"$output"; then
		fail "the exec'd process sees the bundle (the runtime's cwd)"
	fi
}

@test "exec --user: uid:gid, and uid alone keeps the config's gid" {
	start_container
	tong_fg exec --user 1000:1000 "$CT_ID" /probe id
	[ "$status" -eq 0 ]
	[ "$output" = "uid=1000 gid=1000 groups=" ]

	tong_fg exec -u 1000 "$CT_ID" /probe id
	[ "$status" -eq 0 ]
	[ "$output" = "uid=1000 gid=0 groups=" ]
}

@test "exec --additional-gids: one gid per flag, repeated (runc's syntax)" {
	start_container
	tong_fg exec --user 1000:1000 --additional-gids 10 --additional-gids 20 "$CT_ID" /probe id
	[ "$status" -eq 0 ]
	[ "$output" = "uid=1000 gid=1000 groups=10,20" ]

	tong_fg exec --user 1000:1000 --additional-gids 30 "$CT_ID" /probe id
	[ "$status" -eq 0 ]
	[ "$output" = "uid=1000 gid=1000 groups=30" ]
}

@test "exec --cap: the capability is added to the bounding, effective and permitted sets" {
	start_container
	# The default set: AUDIT_WRITE (29), KILL (5), NET_BIND_SERVICE (10).
	tong_fg exec "$CT_ID" /probe caps
	[ "$status" -eq 0 ]
	[ "$(cap_line Eff)" = CapEff=0000000020000420 ]
	[ "$(cap_line Bnd)" = CapBnd=0000000020000420 ]

	# + SYS_ADMIN (21)
	tong_fg exec --cap CAP_SYS_ADMIN "$CT_ID" /probe caps
	[ "$status" -eq 0 ]
	[ "$(cap_line Bnd)" = CapBnd=0000000020200420 ]
	[ "$(cap_line Prm)" = CapPrm=0000000020200420 ]
	[ "$(cap_line Eff)" = CapEff=0000000020200420 ]
	[ "$(cap_line Inh)" = CapInh=0000000000000000 ]

	# Two of them: + SYS_ADMIN, NET_RAW (13)
	tong_fg exec --cap CAP_SYS_ADMIN --cap CAP_NET_RAW "$CT_ID" /probe caps
	[ "$status" -eq 0 ]
	[ "$(cap_line Eff)" = CapEff=0000000020202420 ]
}

@test "exec: inheritable capabilities stay empty unless the process asks for them (CVE-2022-27650)" {
	start_container
	tong_fg exec "$CT_ID" /probe caps
	[ "$status" -eq 0 ]
	[ "$(cap_line Inh)" = CapInh=0000000000000000 ]
	[ "$(cap_line Amb)" = CapAmb=0000000000000000 ]

	tong_fg exec --user 1000 --cap CAP_NET_RAW "$CT_ID" /probe caps
	[ "$status" -eq 0 ]
	[ "$(cap_line Inh)" = CapInh=0000000000000000 ]

	# Asked for: KILL (5) in every set.
	jq -n '{args: ["/probe", "caps"], cwd: "/", user: {uid: 0, gid: 0},
		capabilities: {bounding: ["CAP_KILL"], effective: ["CAP_KILL"], permitted: ["CAP_KILL"], inheritable: ["CAP_KILL"]}}' \
		>"$TEST_DIR/process.json"
	tong_fg exec -p "$TEST_DIR/process.json" "$CT_ID"
	[ "$status" -eq 0 ]
	[ "$(cap_line Inh)" = CapInh=0000000000000020 ]
	[ "$(cap_line Eff)" = CapEff=0000000000000020 ]
	[ "$(cap_line Bnd)" = CapBnd=0000000000000020 ]
}

@test "exec --no-new-privs: sets no_new_privs where the config does not" {
	update_config '.process.noNewPrivileges = false'
	start_container
	tong_fg exec "$CT_ID" /probe status NoNewPrivs
	[ "$status" -eq 0 ]
	[ "$output" = 0 ]

	tong_fg exec --no-new-privs "$CT_ID" /probe status NoNewPrivs
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
}

@test "exec -d --pid-file: returns at once, the process runs in the container, the pid file is right" {
	start_container
	tong exec -d --pid-file "$TEST_DIR/exec.pid" "$CT_ID" /probe pause /tmp/detached-ready
	[ "$status" -eq 0 ]
	[ -s "$TEST_DIR/exec.pid" ]
	local pid
	pid=$(cat "$TEST_DIR/exec.pid")
	[[ "$pid" =~ ^[0-9]+$ ]]
	track_pid "$pid"
	alive "$pid"
	retry "$WAIT_TRIES" 0.1 test -e rootfs/tmp/detached-ready
	[ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" = "/probe pause /tmp/detached-ready " ]
	[ "$(readlink "/proc/$pid/ns/pid")" = "$(readlink "/proc/$INIT_PID/ns/pid")" ]
	[ "$(readlink "/proc/$pid/ns/mnt")" = "$(readlink "/proc/$INIT_PID/ns/mnt")" ]
	# The container's stop takes it along.
	tong delete --force "$CT_ID"
	[ "$status" -eq 0 ]
	retry "$WAIT_TRIES" 0.1 pid_gone "$pid"
}

@test "exec -p process.json: args, env, cwd and user from the file" {
	start_container
	jq -n '{args: ["/bin/sh", "-c", "/probe getenv FROM_JSON; /probe cwd; /probe id"],
		env: ["FROM_JSON=yes it is", "PATH=/bin"], cwd: "/tmp", user: {uid: 1234, gid: 99}}' \
		>"$TEST_DIR/process.json"
	tong_fg exec -p "$TEST_DIR/process.json" "$CT_ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "yes it is" ]
	[ "${lines[1]}" = /tmp ]
	[ "${lines[2]}" = "uid=1234 gid=99 groups=" ]

	tong_fg exec --process "$TEST_DIR/process.json" "$CT_ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "yes it is" ]
}

# ---- the container's view ----------------------------------------------------

@test "exec: joins the container's pid namespace" {
	start_container
	tong_fg exec "$CT_ID" /probe pid
	[ "$status" -eq 0 ]
	# A fresh pid namespace: its init is 1, an exec'd process comes soon after.
	[ "$output" -gt 1 ]
	[ "$output" -lt 100 ]

	tong_fg exec "$CT_ID" /probe ls /proc
	[ "$status" -eq 0 ]
	local pids
	pids=$(grep -E '^[0-9]+$' <<<"$output" | sort -n | tr '\n' ' ')
	[[ "$pids" == "1 "* ]] || fail "pids seen: $pids"
	# The init, this process, maybe the runtime's helper: nothing of the host.
	[ "$(wc -w <<<"$pids")" -le 3 ] || fail "pids seen: $pids"

	tong_fg exec "$CT_ID" /probe ns pid
	[ "$status" -eq 0 ]
	[ "$output" = "$(readlink "/proc/$INIT_PID/ns/pid")" ]
}

@test "exec: the same namespaces, hostname and mounts as the init" {
	start_container
	local ns
	for ns in mnt uts ipc net pid; do
		tong_fg exec "$CT_ID" /probe ns "$ns"
		[ "$status" -eq 0 ]
		[ "$output" = "$(readlink "/proc/$INIT_PID/ns/$ns")" ] ||
			fail "exec is in $ns $output, the init in $(readlink "/proc/$INIT_PID/ns/$ns")"
	done
	tong_fg exec "$CT_ID" /probe hostname
	[ "$status" -eq 0 ]
	[ "$output" = exec-host ]

	tong_fg exec "$CT_ID" /probe ls /
	[ "$status" -eq 0 ]
	grep -qx probe <<<"$output"
	tong_fg exec "$CT_ID" /probe mountinfo
	[ "$status" -eq 0 ]
	local theirs ours
	theirs=$(awk '{ print $5, $9 }' "/proc/$INIT_PID/mountinfo")
	ours=$(awk '{ print $5, $9 }' <<<"$output")
	[ "$ours" = "$theirs" ]
}

# The runtime joins the pid namespace itself and clones one child, except
# where that is impossible: a time namespace (it applies at fork) and a
# caller without rights on the host (50-rootless.bats); then it forks.
@test "exec: into a user namespace, with the init's ids and namespaces" {
	requires userns
	# The mapped root must reach the bundle.
	chmod 0755 "$TEST_DIR"
	update_config '.linux.namespaces += [{type: "user"}]
		| .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
	start_container
	local ns
	for ns in user mnt uts ipc net pid; do
		tong_fg exec "$CT_ID" /probe ns "$ns"
		[ "$status" -eq 0 ]
		[ "$output" = "$(readlink "/proc/$INIT_PID/ns/$ns")" ] ||
			fail "exec is in $ns $output, the init in $(readlink "/proc/$INIT_PID/ns/$ns")"
	done
	tong_fg exec --user 1000:1000 "$CT_ID" /bin/sh -c '/probe id; /probe cat /proc/self/uid_map'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "uid=1000 gid=1000 groups=" ]
	[ "$(awk '{ $1 = $1; print }' <<<"${lines[1]}")" = "0 100000 65536" ]
	tong exec -d --pid-file "$TEST_DIR/exec.pid" "$CT_ID" /probe pause
	[ "$status" -eq 0 ]
	local pid
	pid=$(cat "$TEST_DIR/exec.pid")
	track_pid "$pid"
	alive "$pid"
	grep -q "^Uid:[[:space:]]*100000[[:space:]]" "/proc/$pid/status"
}

@test "exec: into a time namespace, with the pid namespace and the cgroup" {
	[ -e /proc/self/ns/time ] || skip "kernel without time namespaces"
	update_config '.linux.namespaces += [{type: "time"}]
		| .linux.timeOffsets = {boottime: {secs: 31536000, nanosecs: 0}}'
	start_container
	local ns
	for ns in time pid mnt; do
		tong_fg exec "$CT_ID" /probe ns "$ns"
		[ "$status" -eq 0 ]
		[ "$output" = "$(readlink "/proc/$INIT_PID/ns/$ns")" ] ||
			fail "exec is in $ns $output, the init in $(readlink "/proc/$INIT_PID/ns/$ns")"
	done
	tong_fg exec "$CT_ID" /probe cat /proc/uptime
	[ "$status" -eq 0 ]
	[ "$(cut -d. -f1 <<<"$output")" -ge 31536000 ]
	tong_fg exec "$CT_ID" /bin/sh -c '[ "$(cat /proc/self/cgroup)" = "$(cat /proc/1/cgroup)" ] && echo same'
	[ "$status" -eq 0 ]
	[ "$output" = same ]
	tong_fg exec "$CT_ID" /bin/sh -c 'exit 7'
	[ "$status" -eq 7 ]
}

@test "exec: no fd above 2 of the caller reaches the process; --preserve-fds 1 passes fd 3" {
	start_container
	: >"$TEST_DIR/held"
	HELD=$TEST_DIR/held run_logged tong_fds exec "$CT_ID" /probe fds
	[ "$status" -eq 0 ]
	[ "$output" = "0 1 2" ]

	echo "through fd 3" >"$TEST_DIR/fd3"
	FD3=$TEST_DIR/fd3 run_logged tong_fds exec --preserve-fds 1 "$CT_ID" /bin/sh -c '/probe fds; /probe cat /proc/self/fd/3'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "0 1 2 3" ]
	[ "${lines[1]}" = "through fd 3" ]
}

@test "exec -t --console-socket -d: the pty master arrives over the socket, the process has a tty" {
	start_container
	local sock=$TEST_DIR/console.sock out=$TEST_DIR/tty.out
	/usr/bin/python3 "$BATS_TEST_DIRNAME/recvtty.py" "$sock" "$out" </dev/null >"$TEST_DIR/recvtty.log" 2>&1 3>&- &
	local recv_pid=$! rc=0
	track_pid "$recv_pid"
	retry "$WAIT_TRIES" 0.1 test -S "$sock"

	tong exec -t -d --console-socket "$sock" --pid-file "$TEST_DIR/exec.pid" "$CT_ID" /probe tty
	[ "$status" -eq 0 ]
	retry "$WAIT_TRIES" 0.1 pid_gone "$recv_pid"
	wait "$recv_pid" || rc=$?
	[ "$rc" -eq 0 ] || fail "recvtty: $(cat "$TEST_DIR/recvtty.log")"
	[[ "$(tr -d '\r' <"$out")" == "stdin=yes stdout=yes "*" name=/dev/pts/"* ]] ||
		fail "the process saw: $(cat "$out")"
}

@test "exec --cgroup: joins a sub-cgroup (all or per controller); climbing out, missing ones and unknown controllers are refused" {
	requires cgroups_v1
	start_container
	local mem rel
	mem=$(awk '{ for (i = 7; i < NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup" && $NF ~ /(^|,)memory(,|$)/) { print $5; exit } break } }' /proc/self/mountinfo)
	[ -n "$mem" ] || skip "no cgroup v1 memory hierarchy"
	rel=$(awk -F: '$2 ~ /(^|,)memory(,|$)/ { print $3 }' "/proc/$INIT_PID/cgroup")
	[ -d "$mem$rel" ]
	mkdir "$mem$rel/sub"

	tong_fg exec --cgroup .. "$CT_ID" /probe echo unreachable
	[ "$status" -eq 255 ]
	[[ "$output" == *" .. is not a sub cgroup path"* ]]
	tong_fg exec --cgroup nonexistent "$CT_ID" /probe echo unreachable
	[ "$status" -eq 255 ]
	[[ "$output" == *" adding pid "*"/nonexistent/cgroup.procs: no such file "* ]]
	tong_fg exec --cgroup whaaat:/ "$CT_ID" /probe echo unreachable
	[ "$status" -eq 255 ]
	[[ "$output" == *'unknown controller '*whaaat* ]]

	# memory:sub for the memory hierarchy only, the container's cgroup elsewhere
	tong_fg exec --cgroup memory:sub "$CT_ID" cat /proc/self/cgroup
	[ "$status" -eq 0 ]
	grep -E "^[0-9]+:([^:]*,)?memory(,[^:]*)?:$rel/sub\$" <<<"$output"
	local prel
	prel=$(awk -F: '$2 ~ /(^|,)pids(,|$)/ { print $3 }' "/proc/$INIT_PID/cgroup")
	grep -E "^[0-9]+:([^:]*,)?pids(,[^:]*)?:$prel\$" <<<"$output"
	# without --cgroup (and with /): the container's own cgroup
	tong_fg exec --cgroup / "$CT_ID" cat /proc/self/cgroup
	[ "$status" -eq 0 ]
	grep -E "^[0-9]+:([^:]*,)?memory(,[^:]*)?:$rel\$" <<<"$output"
}
