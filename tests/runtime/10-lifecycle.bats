#!/usr/bin/env bats
# The container lifecycle through tong's CLI: create, start, run, state,
# list, kill, delete, their flags, errors and exit codes, the standard
# streams and descriptors the container gets, and the re-exec from a sealed
# copy (issue 4).  runc 1.1.5 is the reference: these tests pass with
# TONG=$(type -P runc) except where a comment says otherwise.
#
# Foreground `run` goes through tong_fg (below): a runtime that never
# returns fails the test after $FG_TIMEOUT seconds instead of hanging the
# suite.  That is a bound, not a timing assertion.

load ../helpers

: "${FG_TIMEOUT:=60}"

setup() {
	requires root jq busybox
	setup_bundle
}

teardown() {
	teardown_bundle
}

# tong_fds ARGS...: bounded tong with the caller's descriptors set up by
# the function itself (run_logged's capture closes fd 3): STDIN, STDOUT,
# STDERR name files for 0, 1, 2 (default: /dev/null, the capture), FD3 a
# file opened on fd 3, HELD a file held open on fds 3 to 9.
tong_fds() {
	local in=${STDIN:-/dev/null} held=${HELD:-}
	if [ -n "${FD3:-}" ]; then
		exec 3<"$FD3"
	fi
	if [ -n "$held" ]; then
		exec 3<"$held" 4<"$held" 5<"$held" 6<"$BUNDLE" 7<"$held" 8<"$held" 9<"$held"
	fi
	if [ -n "${STDOUT:-}" ]; then
		exec >"$STDOUT"
	fi
	if [ -n "${STDERR:-}" ]; then
		exec 2>"$STDERR"
	fi
	timeout -s KILL "$FG_TIMEOUT" "$TONG" --root "$TONG_TEST_ROOT" "$@" <"$in"
}

# state_of ID JQ-FILTER: a field of `tong state ID`.
state_of() {
	__tong state "$1" | jq -r "$2"
}

# root_is_empty: nothing at all in tong's state root.
root_is_empty() {
	local left
	left=$(ls -A "$TONG_TEST_ROOT" 2>/dev/null)
	[ -z "$left" ] || fail "state root not empty: $left"
}

# run_detached ID: `tong run -d ID`, the container's streams in
# $TEST_DIR/ID.out (stdout and stderr) and stdin from /dev/null.
run_detached() {
	__tong run -d "$1" </dev/null >"$TEST_DIR/$1.out" 2>&1 ||
		fail "tong run -d $1 failed: $(cat "$TEST_DIR/$1.out")"
}

# alive PID: fails when PID is gone (`! pid_gone` would not fail a bats test).
alive() {
	if pid_gone "$1"; then
		fail "process $1 is gone"
	fi
}

# A writable rootfs, for the ready files of the probe's blocking commands.
writable_rootfs() {
	update_config '.root.readonly = false'
}

# ---- create / start / state -------------------------------------------------

@test "create: the container is created, state has the runtime-spec fields" {
	set_args /probe pause
	# A relative --bundle from elsewhere: state holds absolute paths.
	cd "$TEST_DIR"
	tong create --bundle bundle "$CT_ID"
	[ "$status" -eq 0 ]

	tong state "$CT_ID"
	[ "$status" -eq 0 ]
	local st=$output
	jq -e . <<<"$st" >/dev/null
	jq -e '.ociVersion | test("^1\\.[0-9]+\\.[0-9]+")' <<<"$st"
	jq -e --arg id "$CT_ID" '.id == $id' <<<"$st"
	jq -e '.status == "created"' <<<"$st"
	jq -e '.pid | type == "number" and . > 0' <<<"$st"
	jq -e --arg b "$BUNDLE" '.bundle == $b' <<<"$st"
	jq -e --arg r "$BUNDLE/rootfs" '.rootfs == $r' <<<"$st"
	local created pid
	created=$(jq -r .created <<<"$st")
	[[ "$created" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z$ ]] ||
		fail "created \"$created\" is not an RFC 3339 UTC time"
	date -d "$created" +%s >/dev/null

	# The pid is a live process in a pid namespace of its own, which has not
	# run the user's process yet.
	pid=$(jq -r .pid <<<"$st")
	alive "$pid"
	[ "$(readlink "/proc/$pid/ns/pid")" != "$(readlink /proc/self/ns/pid)" ]
	[[ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" != "/probe pause"* ]]
}

@test "start: created -> running with the same pid, the user process runs" {
	writable_rootfs
	set_args /probe pause /tmp/started
	tong create "$CT_ID"
	[ "$status" -eq 0 ]
	local pid
	pid=$(state_of "$CT_ID" .pid)
	[ ! -e rootfs/tmp/started ]

	tong start "$CT_ID"
	[ "$status" -eq 0 ]
	wait_for_state "$CT_ID" running
	[ "$(state_of "$CT_ID" .pid)" = "$pid" ]
	retry "$WAIT_TRIES" 0.1 test -e rootfs/tmp/started
	[ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" = "/probe pause /tmp/started " ]
}

@test "lifecycle: create, start, kill, stopped with pid 0, delete, then state says it does not exist" {
	set_args /probe pause
	tong create "$CT_ID"
	[ "$status" -eq 0 ]
	[ "$(state_of "$CT_ID" .status)" = created ]
	local pid
	pid=$(state_of "$CT_ID" .pid)

	tong start "$CT_ID"
	[ "$status" -eq 0 ]
	wait_for_state "$CT_ID" running

	tong kill "$CT_ID" KILL
	[ "$status" -eq 0 ]
	wait_for_state "$CT_ID" stopped
	retry "$WAIT_TRIES" 0.1 pid_gone "$pid"
	tong state "$CT_ID"
	[ "$status" -eq 0 ]
	jq -e '.status == "stopped" and .pid == 0' <<<"$output"

	tong delete "$CT_ID"
	[ "$status" -eq 0 ]
	[ ! -e "$TONG_TEST_ROOT/$CT_ID" ]
	tong state "$CT_ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"does not exist"* ]]
}

@test "start: a running container cannot be started again" {
	set_args /probe pause
	run_detached "$CT_ID"
	wait_for_state "$CT_ID" running
	tong start "$CT_ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *running* ]]
	[ "$(state_of "$CT_ID" .status)" = running ]
}

@test "start: a stopped container cannot be started" {
	set_args /probe exit 0
	run_detached "$CT_ID"
	wait_for_state "$CT_ID" stopped
	tong start "$CT_ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *stopped* ]]
}

@test "state: the init died without delete (SIGKILL from outside): stopped, pid 0" {
	set_args /probe pause
	run_detached "$CT_ID"
	wait_for_state "$CT_ID" running
	local pid
	pid=$(state_of "$CT_ID" .pid)
	kill -9 "$pid"
	wait_for_state "$CT_ID" stopped
	tong state "$CT_ID"
	[ "$status" -eq 0 ]
	jq -e '.status == "stopped" and .pid == 0' <<<"$output"
	tong list -f json
	[ "$status" -eq 0 ]
	jq -e --arg id "$CT_ID" '.[] | select(.id == $id) | .status == "stopped" and .pid == 0' <<<"$output"
}

@test "state: a process that exited by itself leaves a stopped container" {
	set_args /probe exit 3
	run_detached "$CT_ID"
	wait_for_state "$CT_ID" stopped
	[ "$(state_of "$CT_ID" .pid)" = 0 ]
}

# ---- kill ------------------------------------------------------------------

@test "kill: signals by name (TERM, SIGTERM, lower case), by number, and TERM by default" {
	writable_rootfs
	set_args /probe wait-signal /tmp/ready
	local spec id sig want i=0 ids=()
	# SIGNAL-ARGUMENT:EXPECTED-NUMBER ("-" for no argument)
	for spec in TERM:15 SIGTERM:15 15:15 USR1:10 sigusr2:12 hup:1 -:15; do
		id=$CT_ID-$((i++))
		ids+=("$id")
		rm -f rootfs/tmp/ready
		run_detached "$id"
		retry "$WAIT_TRIES" 0.1 test -e rootfs/tmp/ready
		sig=${spec%%:*}
		want=${spec#*:}
		if [ "$sig" = - ]; then
			tong kill "$id"
		else
			tong kill "$id" "$sig"
		fi
		[ "$status" -eq 0 ]
		wait_for_state "$id" stopped
		[ "$(cat "$TEST_DIR/$id.out")" = "$want" ] ||
			fail "kill $id $sig: the container got \"$(cat "$TEST_DIR/$id.out")\", not signal $want"
	done
}

@test "kill: KILL and 9 end a process that blocks every other signal" {
	writable_rootfs
	set_args /probe wait-signal /tmp/ready
	local sig id
	for sig in KILL 9 SIGKILL; do
		id=$CT_ID-$sig
		rm -f rootfs/tmp/ready
		run_detached "$id"
		retry "$WAIT_TRIES" 0.1 test -e rootfs/tmp/ready
		tong kill "$id" "$sig"
		[ "$status" -eq 0 ]
		wait_for_state "$id" stopped
		# Killed before it could print anything.
		[ -z "$(cat "$TEST_DIR/$id.out")" ]
	done
}

@test "kill: a created container's init can be killed, the container is then stopped" {
	set_args /probe pause
	tong create "$CT_ID"
	[ "$status" -eq 0 ]
	local pid
	pid=$(state_of "$CT_ID" .pid)
	tong kill "$CT_ID" 9
	[ "$status" -eq 0 ]
	wait_for_state "$CT_ID" stopped
	retry "$WAIT_TRIES" 0.1 pid_gone "$pid"
	tong delete "$CT_ID"
	[ "$status" -eq 0 ]
	root_is_empty
}

@test "kill --all: every process of the container gets the signal (no pid namespace)" {
	# Without a pid namespace the init's death takes nothing along: only
	# --all reaches its child.
	update_config '.linux.namespaces |= map(select(.type != "pid"))'
	writable_rootfs
	set_args /bin/sh -c '/probe sleep 1000 & echo $! >/tmp/child; exec /probe pause /tmp/ready'
	run_detached "$CT_ID"
	wait_for_state "$CT_ID" running
	retry "$WAIT_TRIES" 0.1 test -e rootfs/tmp/ready
	local pid child
	pid=$(state_of "$CT_ID" .pid)
	child=$(cat rootfs/tmp/child)
	track_pid "$pid" "$child"
	alive "$child"

	tong kill --all "$CT_ID" 9
	[ "$status" -eq 0 ]
	wait_for_state "$CT_ID" stopped
	retry "$WAIT_TRIES" 0.1 pid_gone "$child"
	retry "$WAIT_TRIES" 0.1 pid_gone "$pid"
}

@test "kill: an unknown signal, a stopped container, an unknown container are errors" {
	set_args /probe pause
	run_detached "$CT_ID"
	wait_for_state "$CT_ID" running

	tong kill "$CT_ID" NOSUCHSIGNAL
	[ "$status" -eq 1 ]
	[[ "$output" == *"unknown signal"* ]]
	[ "$(state_of "$CT_ID" .status)" = running ]

	tong kill "$CT_ID" KILL
	[ "$status" -eq 0 ]
	wait_for_state "$CT_ID" stopped
	tong kill "$CT_ID" TERM
	[ "$status" -eq 1 ]
	[[ "$output" == *"not running"* ]]

	tong kill "$CT_ID-nosuch" TERM
	[ "$status" -eq 1 ]
	[[ "$output" == *"does not exist"* ]]
}

# ---- delete ----------------------------------------------------------------

@test "delete: a running container is refused without --force, killed and removed with it" {
	set_args /probe pause
	run_detached "$CT_ID"
	wait_for_state "$CT_ID" running
	local pid
	pid=$(state_of "$CT_ID" .pid)

	tong delete "$CT_ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"not stopped"* ]]
	[ "$(state_of "$CT_ID" .status)" = running ]
	alive "$pid"

	tong delete --force "$CT_ID"
	[ "$status" -eq 0 ]
	retry "$WAIT_TRIES" 0.1 pid_gone "$pid"
	[ ! -e "$TONG_TEST_ROOT/$CT_ID" ]
	tong state "$CT_ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"does not exist"* ]]
}

@test "delete -f: short form of --force" {
	set_args /probe pause
	run_detached "$CT_ID"
	wait_for_state "$CT_ID" running
	tong delete -f "$CT_ID"
	[ "$status" -eq 0 ]
	wait_for_state "$CT_ID" deleted
}

@test "delete --force: a paused container is thawed, killed and removed (runc)" {
	requires freezer
	set_args /probe pause
	run_detached "$CT_ID"
	wait_for_state "$CT_ID" running
	local pid
	pid=$(state_of "$CT_ID" .pid)
	tong pause "$CT_ID"
	[ "$status" -eq 0 ]
	[ "$(state_of "$CT_ID" .status)" = paused ]
	tong delete "$CT_ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"not stopped"*paused* ]]
	# A frozen process cannot die: without the thaw this would hang.
	run bounded "$TONG" --root "$TONG_TEST_ROOT" delete --force "$CT_ID"
	[ "$status" -eq 0 ]
	retry "$WAIT_TRIES" 0.1 pid_gone "$pid"
	[ ! -e "$TONG_TEST_ROOT/$CT_ID" ]
}

@test "delete: a created (never started) container is removed and its init killed" {
	set_args /probe pause
	tong create "$CT_ID"
	[ "$status" -eq 0 ]
	local pid
	pid=$(state_of "$CT_ID" .pid)
	tong delete "$CT_ID"
	[ "$status" -eq 0 ]
	retry "$WAIT_TRIES" 0.1 pid_gone "$pid"
	root_is_empty
}

@test "delete --force of an unknown id exits 0; without --force it fails with exit 1" {
	tong delete --force "$CT_ID-nosuch"
	[ "$status" -eq 0 ]
	tong delete "$CT_ID-nosuch"
	[ "$status" -eq 1 ]
	[[ "$output" == *"does not exist"* ]]
}

# ---- ids -------------------------------------------------------------------

@test "create: a duplicate id is refused and the first container is untouched" {
	set_args /probe pause
	tong create "$CT_ID"
	[ "$status" -eq 0 ]
	local pid
	pid=$(state_of "$CT_ID" .pid)

	tong create "$CT_ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"already exists"* ]]
	[ "$(state_of "$CT_ID" .status)" = created ]
	[ "$(state_of "$CT_ID" .pid)" = "$pid" ]
	# And the first one still starts.
	tong start "$CT_ID"
	[ "$status" -eq 0 ]
	wait_for_state "$CT_ID" running
}

@test "create: invalid ids (../x, empty, a/b, .., with a space) are refused, nothing is made" {
	set_args /probe pause
	local id
	for id in ../x "" a/b .. "with space" ../../escape; do
		tong create "$id"
		[ "$status" -eq 1 ] || fail "create \"$id\": status $status"
		[[ "${output,,}" == *"container id"* ]] ||
			fail "create \"$id\": the error does not say the id is invalid: $output"
	done
	root_is_empty
	[ ! -e "$TEST_DIR/state/x" ]
	[ ! -e "$TEST_DIR/escape" ]
	[ ! -e "$BUNDLE/escape" ]

	tong state ../x
	[ "$status" -eq 1 ]
	tong delete --force ../x
	[ "$status" -ne 0 ]
}

# ---- run -------------------------------------------------------------------

@test "run: the process's output, exit status 0, and the container is gone afterwards" {
	set_args /probe echo hello from run
	tong_fg run "$CT_ID"
	[ "$status" -eq 0 ]
	[ "$output" = "hello from run" ]
	root_is_empty
}

@test "run: the exit status of the process is tong's (exit 7 -> 7)" {
	set_args /probe exit 7
	tong_fg run "$CT_ID"
	[ "$status" -eq 7 ]
	root_is_empty
}

@test "run: short processes, 20 in a row, each returns its exit status" {
	# A process that is gone before run starts waiting for it must still be
	# reaped and reported (a lost SIGCHLD would leave run waiting forever).
	local i
	for ((i = 0; i < 20; i++)); do
		set_args /probe exit $((i + 1))
		FG_TIMEOUT=20 tong_fg run "$CT_ID-$i"
		[ "$status" -eq $((i + 1)) ] || fail "run #$i: status $status, not $((i + 1))"
	done
	root_is_empty
}

@test "run: a process that kills itself with a signal makes run exit 128+signal" {
	# Not PID 1 of a pid namespace (which ignores its own signals): no pid
	# namespace here.
	update_config '.linux.namespaces |= map(select(.type != "pid"))'
	set_args /bin/sh -c 'kill -USR1 $$'
	tong_fg run "$CT_ID"
	[ "$status" -eq 138 ]
	root_is_empty
}

@test "run: a process killed with tong kill KILL makes run exit 137" {
	writable_rootfs
	set_args /probe pause /tmp/ready
	"$TONG" --root "$TONG_TEST_ROOT" run "$CT_ID" </dev/null >"$TEST_DIR/run.out" 2>&1 3>&- &
	local run_pid=$! rc=0
	track_pid "$run_pid"
	wait_for_state "$CT_ID" running
	retry "$WAIT_TRIES" 0.1 test -e rootfs/tmp/ready

	tong kill "$CT_ID" KILL
	[ "$status" -eq 0 ]
	retry "$WAIT_TRIES" 0.1 pid_gone "$run_pid"
	wait "$run_pid" || rc=$?
	[ "$rc" -eq 137 ] || fail "tong run exited $rc, not 137: $(cat "$TEST_DIR/run.out")"
	root_is_empty
}

@test "run: SIGTERM to tong run is forwarded to the process, which prints it" {
	writable_rootfs
	set_args /probe wait-signal /tmp/ready
	"$TONG" --root "$TONG_TEST_ROOT" run "$CT_ID" </dev/null >"$TEST_DIR/run.out" 2>&1 3>&- &
	local run_pid=$! rc=0
	track_pid "$run_pid"
	wait_for_state "$CT_ID" running
	retry "$WAIT_TRIES" 0.1 test -e rootfs/tmp/ready

	kill -TERM "$run_pid"
	retry "$WAIT_TRIES" 0.1 pid_gone "$run_pid"
	wait "$run_pid" || rc=$?
	[ "$rc" -eq 0 ] || fail "tong run exited $rc: $(cat "$TEST_DIR/run.out")"
	[ "$(cat "$TEST_DIR/run.out")" = 15 ]
}

@test "run: a forwarded SIGTERM that kills the process makes run exit 143" {
	update_config '.linux.namespaces |= map(select(.type != "pid"))'
	writable_rootfs
	set_args /bin/sh -c 'touch /tmp/ready; exec /probe sleep 1000'
	"$TONG" --root "$TONG_TEST_ROOT" run "$CT_ID" </dev/null >"$TEST_DIR/run.out" 2>&1 3>&- &
	local run_pid=$! rc=0 pid
	track_pid "$run_pid"
	wait_for_state "$CT_ID" running
	retry "$WAIT_TRIES" 0.1 test -e rootfs/tmp/ready
	pid=$(state_of "$CT_ID" .pid)
	track_pid "$pid"

	kill -TERM "$run_pid"
	retry "$WAIT_TRIES" 0.1 pid_gone "$run_pid"
	wait "$run_pid" || rc=$?
	[ "$rc" -eq 143 ] || fail "tong run exited $rc, not 143: $(cat "$TEST_DIR/run.out")"
	pid_gone "$pid"
	root_is_empty
}

@test "run -d: returns while the process runs; the container stays until deleted" {
	set_args /bin/sh -c '/probe echo detached output; exec /probe pause'
	run_detached "$CT_ID"
	wait_for_state "$CT_ID" running
	local pid
	pid=$(state_of "$CT_ID" .pid)
	alive "$pid"
	# The container writes to the streams run -d was given.
	retry "$WAIT_TRIES" 0.1 grep -qx "detached output" "$TEST_DIR/$CT_ID.out"
	tong delete --force "$CT_ID"
	[ "$status" -eq 0 ]
	retry "$WAIT_TRIES" 0.1 pid_gone "$pid"
}

@test "run --keep: the stopped container stays until delete" {
	set_args /probe echo kept
	tong_fg run --keep "$CT_ID"
	[ "$status" -eq 0 ]
	[ "$output" = kept ]
	tong state "$CT_ID"
	[ "$status" -eq 0 ]
	jq -e '.status == "stopped" and .pid == 0' <<<"$output"
	tong delete "$CT_ID"
	[ "$status" -eq 0 ]
	root_is_empty
}

# ---- pid file ----------------------------------------------------------------

@test "--pid-file: create and run -d write the init's pid, as state reports it" {
	set_args /probe pause
	tong create --pid-file "$TEST_DIR/create.pid" "$CT_ID"
	[ "$status" -eq 0 ]
	[ -s "$TEST_DIR/create.pid" ]
	[ "$(cat "$TEST_DIR/create.pid")" = "$(state_of "$CT_ID" .pid)" ]

	# Relative to the working directory.
	tong run -d --pid-file run.pid "$CT_ID-2"
	[ "$status" -eq 0 ]
	[ -s "$BUNDLE/run.pid" ]
	[ "$(cat "$BUNDLE/run.pid")" = "$(state_of "$CT_ID-2" .pid)" ]
	alive "$(cat "$BUNDLE/run.pid")"
}

# ---- list ------------------------------------------------------------------

@test "list: the table, -q and -f json list every container with its status" {
	set_args /probe pause
	tong create "$CT_ID-a"
	[ "$status" -eq 0 ]
	run_detached "$CT_ID-b"
	wait_for_state "$CT_ID-b" running
	local pid_a pid_b
	pid_a=$(state_of "$CT_ID-a" .pid)
	pid_b=$(state_of "$CT_ID-b" .pid)

	tong list
	[ "$status" -eq 0 ]
	[ "$(awk 'NR == 1 { $1 = $1; print }' <<<"$output")" = "ID PID STATUS BUNDLE CREATED OWNER" ]
	[ "${#lines[@]}" -eq 3 ]
	grep -Eq "^$CT_ID-a +$pid_a +created +$BUNDLE +[^ ]+ +root\$" <<<"$output"
	grep -Eq "^$CT_ID-b +$pid_b +running +$BUNDLE +[^ ]+ +root\$" <<<"$output"

	tong list -q
	[ "$status" -eq 0 ]
	[ "$(sort <<<"$output")" = "$(printf '%s\n' "$CT_ID-a" "$CT_ID-b")" ]

	tong list -f json
	[ "$status" -eq 0 ]
	jq -e 'type == "array" and length == 2' <<<"$output"
	jq -e --arg id "$CT_ID-a" --argjson pid "$pid_a" --arg b "$BUNDLE" \
		'.[] | select(.id == $id) | .pid == $pid and .status == "created" and .bundle == $b' <<<"$output"
	jq -e --arg id "$CT_ID-b" --argjson pid "$pid_b" --arg b "$BUNDLE" \
		'.[] | select(.id == $id) | .pid == $pid and .status == "running" and .bundle == $b' <<<"$output"
	jq -e 'all(.[]; has("created") and has("rootfs") and has("ociVersion"))' <<<"$output"

	tong list --format json
	[ "$status" -eq 0 ]
	jq -e 'length == 2' <<<"$output"
}

@test "list -f json: owner is the owner's user name, as in the table (runc)" {
	set_args /probe pause
	tong create "$CT_ID"
	[ "$status" -eq 0 ]
	tong list -f json
	[ "$status" -eq 0 ]
	jq -e --arg u "$(id -un)" '.[0].owner == $u' <<<"$output"
}

@test "list: an empty or missing root gives the header alone" {
	tong list
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "${lines[0]}" == ID* ]]
	tong list -q
	[ "$status" -eq 0 ]
	[ -z "$output" ]

	run_logged "$TONG" --root "$TEST_DIR/no-such-root" list
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
}

# ---- errors, logs, leftovers -----------------------------------------------

@test "create: a missing executable fails at create, in --log as a JSON line, nothing left behind" {
	set_args /no/such/executable
	tong --log "$TEST_DIR/log.json" --log-format json create "$CT_ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"/no/such/executable"* ]]
	root_is_empty
	tong state "$CT_ID"
	[ "$status" -eq 1 ]

	[ -s "$TEST_DIR/log.json" ]
	local line
	line=$(tail -n 1 "$TEST_DIR/log.json")
	jq -e '.level == "error"' <<<"$line"
	jq -e '.msg | contains("/no/such/executable")' <<<"$line"
	jq -e '.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}")' <<<"$line"
	# Every line of the log is JSON.
	jq -e . "$TEST_DIR/log.json" >/dev/null
}

@test "run: a missing executable fails before anything runs, nothing left behind" {
	set_args /no/such/executable
	tong_fg run "$CT_ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"/no/such/executable"* ]]
	root_is_empty
}

# Not runc: its errors are Go's ("cannot unmarshal number into Go struct
# field Process.process.args of type string"); DESIGN.md asks for the path.
@test "create: a malformed config.json is refused with the path of the bad field, nothing left" {
	update_config '.process.args = ["/probe", 5]'
	tong create "$CT_ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"process.args[1]"* ]]
	[[ "$output" == *"expected a string"* ]]
	root_is_empty

	echo '{"ociVersion": "1.0.2", "process": ' >config.json
	tong create "$CT_ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *config.json* ]]
	root_is_empty
}

@test "create: a missing bundle or config.json is an error naming it, nothing left" {
	tong create --bundle "$TEST_DIR/no-such-bundle" "$CT_ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *no-such-bundle* ]]
	root_is_empty

	rm config.json
	tong create "$CT_ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *config.json* ]]
	root_is_empty
}

# runc 1.1.5 leaves the container's cgroups behind here (teardown says so).
@test "create killed with SIGKILL half way: delete --force removes what it left" {
	# A createRuntime hook holds create half way: state saved, init waiting.
	local hookdir=$TEST_DIR/hook
	mkdir -p "$hookdir"
	update_config '.hooks.createRuntime = [{"path": "/bin/sh", "args": ["sh", "-c", "cat >\"$0/state.json\"; echo $$ >\"$0/pid\"; exec sleep 1000", $d]}]' \
		--arg d "$hookdir"
	set_args /probe pause
	"$TONG" --root "$TONG_TEST_ROOT" create "$CT_ID" </dev/null >"$TEST_DIR/create.out" 2>&1 3>&- &
	local create_pid=$! init_pid hook_pid
	track_pid "$create_pid"
	retry "$WAIT_TRIES" 0.1 test -s "$hookdir/pid"
	hook_pid=$(cat "$hookdir/pid")
	track_pid "$hook_pid"
	init_pid=$(jq -r .pid "$hookdir/state.json")
	track_pid "$init_pid"

	kill -9 "$create_pid"
	wait "$create_pid" || true
	kill -9 "$hook_pid"

	tong delete --force "$CT_ID"
	[ "$status" -eq 0 ]
	root_is_empty
	retry "$WAIT_TRIES" 0.1 pid_gone "$init_pid"
	tong state "$CT_ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"does not exist"* ]]
}

# ---- standard streams, descriptors, cwd ------------------------------------

@test "stdio: the container reads the caller's stdin and writes to its stdout and stderr" {
	printf 'line one\nline two\n' >"$TEST_DIR/in"
	set_args /bin/sh -c '/probe cat -; /probe echoerr to stderr'
	STDIN=$TEST_DIR/in STDOUT=$TEST_DIR/out STDERR=$TEST_DIR/err run_logged tong_fds run "$CT_ID"
	[ "$status" -eq 0 ]
	[ "$(cat "$TEST_DIR/out")" = "$(printf 'line one\nline two')" ]
	[ "$(cat "$TEST_DIR/err")" = "to stderr" ]
}

@test "stdio: a detached container writes to the pipes it was given" {
	set_args /bin/sh -c '/probe echo out; /probe echoerr err; /probe cat -'
	mkfifo "$TEST_DIR/o" "$TEST_DIR/e"
	# Readers first, so run -d can open the FIFOs.
	cat "$TEST_DIR/o" >"$TEST_DIR/out" 3>&- &
	local r1=$!
	cat "$TEST_DIR/e" >"$TEST_DIR/err" 3>&- &
	local r2=$!
	track_pid "$r1" "$r2"
	echo from-stdin | __tong run -d "$CT_ID" >"$TEST_DIR/o" 2>"$TEST_DIR/e"
	retry "$WAIT_TRIES" 0.1 pid_gone "$r1"
	retry "$WAIT_TRIES" 0.1 pid_gone "$r2"
	[ "$(cat "$TEST_DIR/out")" = "$(printf 'out\nfrom-stdin')" ]
	[ "$(cat "$TEST_DIR/err")" = err ]
}

@test "fds: --preserve-fds 1 passes the caller's fd 3 to the container" {
	echo "through fd 3" >"$TEST_DIR/fd3"
	set_args /bin/sh -c '/probe fds; /probe cat /proc/self/fd/3'
	FD3=$TEST_DIR/fd3 run_logged tong_fds run --preserve-fds 1 "$CT_ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "0 1 2 3" ]
	[ "${lines[1]}" = "through fd 3" ]
}

@test "fds: without --preserve-fds no fd above 2 reaches the container (CVE-2024-21626)" {
	set_args /probe fds -l
	local f=$TEST_DIR/held
	: >"$f"
	HELD=$f run_logged tong_fds run "$CT_ID"
	[ "$status" -eq 0 ]
	[ "$(cut -d' ' -f1 <<<"$output" | tr '\n' ' ')" = "0 1 2 " ]

	# The same for create + start: create holds the descriptors.
	set_args /probe fds
	HELD=$f STDOUT=$TEST_DIR/ct2.out STDERR=$TEST_DIR/ct2.out run_logged tong_fds create "$CT_ID-2"
	[ "$status" -eq 0 ]
	tong start "$CT_ID-2"
	[ "$status" -eq 0 ]
	wait_for_state "$CT_ID-2" stopped
	[ "$(cat "$TEST_DIR/ct2.out")" = "0 1 2" ]
}

@test "cwd: the process's working directory is inside the container" {
	update_config '.process.cwd = "/tmp"'
	set_args /bin/sh -c '/probe cwd; /probe readlink /proc/self/cwd; /probe readlink /proc/1/cwd'
	tong_fg run "$CT_ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = /tmp ]
	[ "${lines[1]}" = /tmp ]
	[ "${lines[2]}" = /tmp ]

	# The default cwd: the container's root, not the caller's directory.
	update_config '.process.cwd = "/"'
	set_args /bin/sh -c '/probe cwd; /probe readlink /proc/self/cwd; /probe ls .'
	tong_fg run "$CT_ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = / ]
	[ "${lines[1]}" = / ]
	grep -qx probe <<<"$output"
	if grep -qx config.json <<<"$output"; then
		fail "the process sees the bundle directory, not the container's root"
	fi
}

# ---- the runtime binary (CVE-2019-5736) ------------------------------------

# Not runc 1.1.5, which bind-mounts its binary read-only instead.
@test "sealed re-exec: the created init's /proc/PID/exe is a sealed copy, not the host's tong" {
	set_args /probe pause
	tong create "$CT_ID"
	[ "$status" -eq 0 ]
	local pid seals
	pid=$(state_of "$CT_ID" .pid)
	# Same program...
	cmp -s "/proc/$pid/exe" "$TONG"
	# ...but not the file on the host.
	[ "$(stat -L -c %d:%i "/proc/$pid/exe")" != "$(stat -L -c %d:%i "$TONG")" ]
	# Sealed against writes, growth and shrinking (F_GET_SEALS = 1034;
	# F_SEAL_SHRINK|GROW|WRITE = 0xe).
	seals=$(/usr/bin/python3 -c 'import fcntl, os, sys; print(fcntl.fcntl(os.open(sys.argv[1], os.O_RDONLY), 1034))' \
		"/proc/$pid/exe")
	[ $((seals & 0xe)) -eq $((0xe)) ] || fail "seals of /proc/$pid/exe: $seals"
}

@test "sealed re-exec: a process in a created container cannot write tong through /proc/1/exe" {
	# A private copy of tong: if this ever succeeded it would break only it.
	cp "$TONG" "$TEST_DIR/tong"
	TONG=$TEST_DIR/tong
	cp "$TONG" "$TEST_DIR/tong.orig"
	set_args /probe pause
	tong create "$CT_ID"
	[ "$status" -eq 0 ]
	tong_fg exec "$CT_ID" /probe write /proc/1/exe "#!/bin/sh"
	[ "$status" -ne 0 ]
	# The probe ran and its write failed (not exec itself).
	[[ "$output" == *"probe: write: "* ]]
	cmp "$TEST_DIR/tong" "$TEST_DIR/tong.orig"
}

# ---- terminal ----------------------------------------------------------------

@test "terminal: the process's user owns its pty, the group is devpts' tty group (runc)" {
	update_config '.process.terminal = true | .process.user.uid = 1000 | .process.user.gid = 100'
	set_args /bin/sh -c 'stat -c %u:%g $(tty)'
	tong_fg run "$CT_ID" </dev/null
	[ "$status" -eq 0 ]
	[[ "$output" == *"1000:5"* ]]
}

@test "create --console-socket: the pty master arrives over the socket, the process has a tty" {
	update_config '.process.terminal = true'
	set_args /probe tty
	local sock=$TEST_DIR/console.sock out=$TEST_DIR/tty.out
	/usr/bin/python3 "$BATS_TEST_DIRNAME/recvtty.py" "$sock" "$out" </dev/null >"$TEST_DIR/recvtty.log" 2>&1 3>&- &
	local recv_pid=$!
	track_pid "$recv_pid"
	retry "$WAIT_TRIES" 0.1 test -S "$sock"

	tong create --console-socket "$sock" "$CT_ID"
	[ "$status" -eq 0 ]
	tong start "$CT_ID"
	[ "$status" -eq 0 ]
	retry "$WAIT_TRIES" 0.1 pid_gone "$recv_pid"
	local rc=0
	wait "$recv_pid" || rc=$?
	[ "$rc" -eq 0 ] || fail "recvtty: $(cat "$TEST_DIR/recvtty.log")"
	[[ "$(tr -d '\r' <"$out")" == "stdin=yes stdout=yes "*" name=/dev/pts/"* ]]
	wait_for_state "$CT_ID" stopped
}
