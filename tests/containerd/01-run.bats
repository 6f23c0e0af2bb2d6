#!/usr/bin/env bats
# containerd 1.6 runs tong in place of runc (issue 5): `ctr run` in the
# foreground, with and without a terminal.  Each run goes through the runc
# v2 shim, which calls `tong create`, `start`, `kill`, `delete` as it calls
# runc (../shared/contracts/runtime-callers.md).  TONG=$(type -P runc) runs
# the same tests against runc.

load ../helpers
load helpers-containerd

setup_file() { ctd_setup_file; }
teardown_file() { ctd_teardown_file; }
setup() { ctd_setup; }
teardown() { ctd_teardown; }

@test "ctr run --rm: the container's output and exit status reach the caller" {
	ctr_run --rm "$IMAGE" "$CT" sh -c 'echo to stdout; echo to stderr >&2; exit 3'
	[ "$status" -eq 3 ]
	[[ "$output" == *"to stdout"* ]]
	[[ "$output" == *"to stderr"* ]]
	# --rm removed the container, and with it tong's state.
	run_ctr containers ls -q
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ -z "$(ls -A "$CTD_RUNC_ROOT/$CTD_NS" 2>/dev/null)" ]
}

@test "ctr run --rm: exit status 0, and stdout and stderr stay apart" {
	local out
	out=$(__ctr_run --rm "$IMAGE" "$CT" sh -c 'echo out; echo err >&2' 2>"$BATS_TEST_TMPDIR/err")
	echo "stdout: $out; stderr: $(cat "$BATS_TEST_TMPDIR/err")" >&2
	[ "$out" = out ]
	[ "$(cat "$BATS_TEST_TMPDIR/err")" = err ]
}

@test "ctr run --rm: stdin reaches the container" {
	echo "a line" >"$BATS_TEST_TMPDIR/in"
	CTR_STDIN=$BATS_TEST_TMPDIR/in ctr_run --rm "$IMAGE" "$CT" sh -c 'read -r l; echo "got $l"'
	[ "$status" -eq 0 ]
	[ "$output" = "got a line" ]
}

@test "the container sees the image's config and ctr's options" {
	ctr_run --rm --env FOO=bar --cwd /tmp "$IMAGE" "$CT" sh -c 'echo "$FOO $PATH"; pwd; /probe id'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "bar /usr/sbin:/usr/bin:/sbin:/bin" ]
	[ "${lines[1]}" = /tmp ]
	[ "${lines[2]}" = "uid=0 gid=0 groups=0" ]
}

@test "the container is pid 1 in its own namespaces" {
	ctr_run --rm "$IMAGE" "$CT" /probe pid
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	ctr_run --rm "$IMAGE" "$CT" /probe ns
	[ "$status" -eq 0 ]
	local ns link
	for ns in pid ipc uts mnt net; do
		link=$(grep "^$ns=" <<<"$output" | cut -d= -f2)
		[ -n "$link" ]
		[ "$link" != "$(readlink "/proc/self/ns/$ns")" ]
	done
}

@test "no descriptor of the shim (its socket on fd 3) reaches the container" {
	ctr_run --rm "$IMAGE" "$CT" /probe fds
	[ "$status" -eq 0 ]
	[ "$output" = "0 1 2" ]
}

@test "a process that cannot be started: tong's error reaches the user" {
	ctr_run --rm "$IMAGE" "$CT" /nonexistent
	[ "$status" -ne 0 ]
	[[ "$output" == *"OCI runtime create failed"* ]]
	[[ "$output" == *"/nonexistent"* ]]
	grep -qi "no such file or directory" <<<"$output"
	# Nothing stays behind: no container, no task, no runtime state.
	run_ctr containers ls -q
	[ -z "$output" ]
	[ -z "$(ls -A "$CTD_RUNC_ROOT/$CTD_NS" 2>/dev/null)" ]
}

@test "ctr run -t: the container gets a terminal" {
	ctr_tty "run $(__ctr_run_opts | tr '\n' ' ') --rm -t $IMAGE $CT /probe tty"
	[ "$status" -eq 0 ]
	[[ "$output" == *"stdin=yes stdout=yes"* ]]
	[[ "$output" == *"name=/dev/pts/0"* ]]
}

@test "ctr run -t: the exit status propagates, output is the terminal's" {
	ctr_tty "run $(__ctr_run_opts | tr '\n' ' ') --rm -t $IMAGE $CT sh -c 'tty; echo done; exit 7'"
	[ "$status" -eq 7 ]
	[[ "$output" == *"/dev/pts/0"* ]]
	# A terminal turns \n into \r\n.
	[[ "$output" == *$'done\r'* ]]
}

@test "the container leads its own session: its kill 0 does not reach the shim" {
	ctr_run --rm "$IMAGE" "$CT" sh -c '/probe sid; /probe pgid'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1 ]
	[ "${lines[1]}" = 1 ]
	# SIGKILL to the process group: init (pid 1) ignores it from inside;
	# in the caller's group it would kill the shim.
	ctr_run --rm "$IMAGE" "$CT" sh -c 'kill -KILL 0; echo alive'
	[ "$status" -eq 0 ]
	[ "$output" = alive ]
}

@test "--privileged: every host device, /dev/ptmx still the link to pts/ptmx (as runc)" {
	ctr_run --rm --privileged "$IMAGE" "$CT" sh -c 'readlink /dev/ptmx; test -c /dev/null && test -c /dev/pts/ptmx && echo ok'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = pts/ptmx ]
	[ "${lines[1]}" = ok ]
}

@test "linux.readonlyPaths keep /proc's nosuid, nodev, noexec (as runc)" {
	ctr_run --rm "$IMAGE" "$CT" sh -c 'grep " /proc/sys " /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	[[ "$(cut -d' ' -f6 <<<"$output")" == ro,nosuid,nodev,noexec* ]]
}

# view RUNTIME ID OPTS...: what the container sees (mounts without their
# per-superblock options, /dev, capabilities, limits, identity, environment)
# under containerd's spec for ctr run OPTS..., with RUNTIME.
view() {
	local rt=$1 id=$2
	shift 2
	# shellcheck disable=SC2016
	RUNTIME_BIN=$rt __ctr_run --rm "$@" "$IMAGE" "$id" sh -c '
		awk "{ for (i = 7; \$i != \"-\"; i++) ; print \$5, \$6, \$(i + 1) }" /proc/self/mountinfo | sort
		echo ---
		ls -ln /dev /dev/pts /dev/shm /dev/mqueue | grep -v "^total" |
			sed "s/ [A-Z][a-z][a-z] [ 0-9][0-9] [0-9:]* / /"
		echo ---
		grep -E "^(Cap|NoNewPrivs|Seccomp|Groups)" /proc/self/status
		ulimit -a; umask; /probe id; /probe sid; pwd; hostname; env | sort
		cat /proc/self/oom_score_adj; /probe fds' 2>&1
}

# same_view OPTS...: tong and runc show the container the same world.
same_view() {
	requires runc
	local want got
	want=$(view "$RUNC" "$CT-runc" "$@")
	got=$(view "$RUNTIME_BIN" "$CT" "$@")
	[ "$(wc -l <<<"$want")" -gt 20 ] || fail "runc's view is too short: $want"
	if [ "$got" != "$want" ]; then
		diff <(echo "$want") <(echo "$got") >&2 || true
		fail "the container's view differs from runc's (< runc, > $RUNTIME_BIN)"
	fi
}

@test "containerd's default spec: the container sees what it sees with runc" {
	same_view
}

@test "ctr run --privileged --read-only: the container sees what it sees with runc" {
	same_view --privileged --read-only
}

@test "ctr run --seccomp --cap-add/--cap-drop --net-host: the same as with runc" {
	same_view --seccomp --cap-add CAP_SYS_ADMIN --cap-drop CAP_CHOWN --net-host
}
