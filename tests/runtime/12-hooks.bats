#!/usr/bin/env bats
# Hooks (runtime-spec config.md "POSIX-platform Hooks", issue 4): prestart,
# createRuntime, createContainer, startContainer, poststart and poststop run
# at their moments, in their namespaces, with the state on stdin, their
# args, env and timeout, and the spec's failure semantics.
#
# runc 1.1.5 is the reference where the spec leaves room; it differs from
# the spec (and from runc 1.2) in ways these tests do not follow:
#   - it runs poststart hooks at `create` (state "created"), not after the
#     user process started;
#   - a failing poststart hook fails `create`/`run` and kills the container;
#   - after a failing poststart or poststop hook it skips the remaining ones.
# The spec: poststart runs after the process started, before `start`
# returns; a failing poststart or poststop hook is a warning and "the
# remaining hooks and lifecycle continue as if the hook had succeeded".
#
# tests/runtime/hooks/record writes down what a hook got (see there).

load ../helpers

: "${FG_TIMEOUT:=60}"

HOOKS=$BATS_TEST_DIRNAME/hooks

setup() {
	requires root jq busybox
	setup_bundle
	# Hooks on the host and in the container write into one directory,
	# bound into the container at /hooklog.
	HOOKLOG=$TEST_DIR/hooklog
	mkdir -p "$HOOKLOG"
	install -m 0755 "$HOOKS/record" "$BUNDLE/rootfs/record"
	update_config '.root.readonly = false
		| .mounts += [{"destination": "/hooklog", "type": "bind", "source": $d, "options": ["rbind", "rw"]}]' \
		--arg d "$HOOKLOG"
	set_args /probe pause
}

teardown() {
	teardown_bundle
}


# add_hook KIND JSON: appends the hook JSON to hooks.KIND.
add_hook() {
	update_config '.hooks[$k] += [$h]' --arg k "$1" --argjson h "$2"
}

# add_record_hook KIND: a hook of KIND running hooks/record (from the
# rootfs for startContainer, whose path resolves in the container).
add_record_hook() {
	local kind=$1 path=$HOOKS/record dir=$HOOKLOG
	if [ "$kind" = startContainer ]; then
		path=/record
		dir=/hooklog
	fi
	add_hook "$kind" "$(jq -n --arg p "$path" --arg d "$dir" --arg k "$kind" \
		'{path: $p, args: ["record", $d, $k]}')"
}

# add_sh_hook KIND SCRIPT [JSON-FIELDS]: a /bin/sh -c SCRIPT hook, $0 being
# $HOOKLOG; JSON-FIELDS (an object) are added to it (env, timeout).
add_sh_hook() {
	local extra=${3:-}
	[ -n "$extra" ] || extra='{}'
	add_hook "$1" "$(jq -n --arg s "$2" --arg d "$HOOKLOG" --argjson x "$extra" \
		'{path: "/bin/sh", args: ["sh", "-c", $s, $d]} + $x')"
}

add_all_record_hooks() {
	local k
	for k in prestart createRuntime createContainer startContainer poststart poststop; do
		add_record_hook "$k"
	done
}

# order: the hooks that ran so far, one a line.
order() {
	cat "$HOOKLOG/order" 2>/dev/null
}

root_is_empty() {
	local left
	left=$(ls -A "$TONG_TEST_ROOT" 2>/dev/null)
	[ -z "$left" ] || fail "state root not empty: $left"
}

# ---- moments and order -------------------------------------------------------

@test "hooks: each kind runs at its moment of the lifecycle, in order" {
	add_all_record_hooks
	set_args /bin/sh -c 'echo process >>/hooklog/order'

	tong create "$CT_ID"
	[ "$status" -eq 0 ]
	# create: the three creation hooks, nothing of start yet.
	[ "$(order | tr '\n' ' ')" = "prestart createRuntime createContainer " ]

	tong start "$CT_ID"
	[ "$status" -eq 0 ]
	# poststart has run before start returned; startContainer before the
	# user process.
	grep -qx poststart <(order) || fail "start returned before poststart ran: $(order | tr '\n' ' ')"
	[ "$(order | sed -n 4p)" = startContainer ]
	wait_for_state "$CT_ID" stopped
	retry "$WAIT_TRIES" 0.1 grep -qx process "$HOOKLOG/order"
	[ "$(order | sed -n '5,6p' | sort | tr '\n' ' ')" = "poststart process " ]
	[ "$(order | wc -l)" -eq 6 ]

	tong delete "$CT_ID"
	[ "$status" -eq 0 ]
	[ "$(order | tail -n 1)" = poststop ]
	[ "$(order | wc -l)" -eq 7 ]
}

@test "hooks: poststart waits until the process was executed, even after a slow startContainer hook" {
	# runtime-spec: startContainer runs before the user process is
	# executed, poststart after it, and before start returns.  A slow
	# startContainer hook makes a start that does not wait for the exec
	# visible.  (runc has the same race: its init writes the exec FIFO
	# before it runs startContainer hooks.)
	add_hook startContainer '{"path": "/bin/sh", "args": ["sh", "-c", "sleep 1; exec /record /hooklog startContainer"]}'
	add_record_hook poststart
	set_args /bin/sh -c 'echo process >>/hooklog/order; exec /probe pause'
	tong create "$CT_ID"
	[ "$status" -eq 0 ]
	tong start "$CT_ID"
	[ "$status" -eq 0 ]
	[ "$(order | head -n 1)" = startContainer ] ||
		fail "start returned, hooks so far: $(order | tr '\n' ' ')"
	grep -qx poststart <(order)
	retry "$WAIT_TRIES" 0.1 grep -qx process "$HOOKLOG/order"
}

@test "hooks: the state on stdin: id, status, pid, bundle, annotations" {
	update_config '.annotations = {"org.tong.test": "hooks", "other": "two words"}'
	add_all_record_hooks
	tong create "$CT_ID"
	[ "$status" -eq 0 ]
	local pid
	pid=$(__tong state "$CT_ID" | jq -r .pid)
	tong start "$CT_ID"
	[ "$status" -eq 0 ]
	tong delete --force "$CT_ID"
	[ "$status" -eq 0 ]

	local kind f
	for kind in prestart createRuntime createContainer startContainer poststart poststop; do
		f=$HOOKLOG/$kind.json
		[ -s "$f" ] || fail "$kind: no state on stdin"
		jq -e . "$f" >/dev/null || fail "$kind: not JSON: $(cat "$f")"
		jq -e --arg id "$CT_ID" --arg b "$BUNDLE" \
			'.id == $id and .bundle == $b and (.ociVersion | test("^1\\."))' "$f" ||
			fail "$kind: $(cat "$f")"
		jq -e '.annotations == {"org.tong.test": "hooks", "other": "two words"}' "$f" ||
			fail "$kind: annotations: $(cat "$f")"
	done
	# The status at each moment; the pid of the init as the runtime sees it.
	jq -e --argjson pid "$pid" '.status == "creating" and .pid == $pid' "$HOOKLOG/prestart.json"
	jq -e --argjson pid "$pid" '.status == "creating" and .pid == $pid' "$HOOKLOG/createRuntime.json"
	jq -e '.status == "creating" and .pid > 0' "$HOOKLOG/createContainer.json"
	jq -e '.status == "created" and .pid > 0' "$HOOKLOG/startContainer.json" ||
		fail "startContainer (runc: status created): $(cat "$HOOKLOG/startContainer.json")"
	jq -e --argjson pid "$pid" '.status == "running" and .pid == $pid' "$HOOKLOG/poststart.json"
	jq -e '.status == "stopped" and (.pid // 0) == 0' "$HOOKLOG/poststop.json"
}

@test "hooks: prestart, createRuntime, poststart, poststop run in the runtime's namespaces; createContainer, startContainer in the container's" {
	add_all_record_hooks
	tong create "$CT_ID"
	[ "$status" -eq 0 ]
	local pid host_ns ct_ns kind
	pid=$(__tong state "$CT_ID" | jq -r .pid)
	ct_ns=$(for n in mnt uts; do readlink "/proc/$pid/ns/$n"; done)
	host_ns=$(for n in mnt uts; do readlink "/proc/self/ns/$n"; done)
	[ "$ct_ns" != "$host_ns" ]
	tong start "$CT_ID"
	[ "$status" -eq 0 ]
	tong delete --force "$CT_ID"
	[ "$status" -eq 0 ]

	for kind in prestart createRuntime poststart poststop; do
		[ "$(head -n 2 "$HOOKLOG/$kind.ns")" = "$host_ns" ] ||
			fail "$kind ran in $(head -n 2 "$HOOKLOG/$kind.ns"), not in the runtime's $host_ns"
	done
	for kind in createContainer startContainer; do
		[ "$(head -n 2 "$HOOKLOG/$kind.ns")" = "$ct_ns" ] ||
			fail "$kind ran in $(head -n 2 "$HOOKLOG/$kind.ns"), not in the container's $ct_ns"
		# And in its pid namespace.
		[ "$(sed -n 3p "$HOOKLOG/$kind.ns")" = "$(readlink /proc/self/ns/pid)" ] &&
			fail "$kind ran in the host's pid namespace"
	done
	true
}

# ---- args, env -------------------------------------------------------------

@test "hooks: args are the hook's argv, env its whole environment" {
	local script='printf "%s\n" "$0" "$@" >"$0/args"; tr "\0" "\n" </proc/$$/environ >"$0/env"; cat >/dev/null'
	add_hook prestart "$(jq -n --arg s "$script" --arg d "$HOOKLOG" '{path: "/bin/sh",
		args: ["sh", "-c", $s, $d, "first arg", "second"], env: ["HOOK_VAR=hello world", "SECOND=2"]}')"
	export TONG_TEST_CALLER_VAR=leaked
	tong create "$CT_ID"
	[ "$status" -eq 0 ]
	[ "$(cat "$HOOKLOG/args")" = "$(printf '%s\n' "$HOOKLOG" "first arg" second)" ]
	[ "$(cat "$HOOKLOG/env")" = "$(printf '%s\n' "HOOK_VAR=hello world" SECOND=2)" ]
}

@test "hooks: createContainer runs in the rootfs (relative paths are the container's, as runc)" {
	add_sh_hook createContainer 'pwd >"$0/cwd"; touch ./created-by-hook; cat >/dev/null'
	tong create "$CT_ID"
	[ "$status" -eq 0 ]
	[ "$(cat "$HOOKLOG/cwd")" = "$BUNDLE/rootfs" ]
	[ -e "$BUNDLE/rootfs/created-by-hook" ]
}

@test "hooks: a hook without env gets the runtime's environment (as runc)" {
	add_sh_hook prestart 'tr "\0" "\n" </proc/$$/environ >"$0/env"; cat >/dev/null'
	export TONG_TEST_CALLER_VAR="from the caller"
	tong create "$CT_ID"
	[ "$status" -eq 0 ]
	grep -qx "TONG_TEST_CALLER_VAR=from the caller" "$HOOKLOG/env" ||
		fail "the hook's environment: $(cat "$HOOKLOG/env")"
}

@test "hooks: their stdout and stderr do not mix with the container's output (as runc)" {
	add_sh_hook prestart 'cat >/dev/null; echo prestart-says-hi; echo prestart-warns >&2'
	add_sh_hook poststart 'cat >/dev/null; echo poststart-says-hi; echo poststart-warns >&2'
	add_sh_hook poststop 'cat >/dev/null; echo poststop-says-hi; echo poststop-warns >&2'
	set_args /probe echo only this
	tong_fg run "$CT_ID"
	[ "$status" -eq 0 ]
	[ "$output" = "only this" ]
}

# ---- failures --------------------------------------------------------------

# fails_create KIND: a failing KIND hook (it keeps the init's pid first)
# fails create; nothing is left behind.
fails_create() {
	local kind=$1
	add_sh_hook "$kind" 'cat >"$0/state.json"; echo hook-said-no >&2; exit 3'
	set_args /bin/sh -c 'echo process >>/hooklog/order'
	tong create "$CT_ID"
	[ "$status" -ne 0 ] || fail "create succeeded despite a failing $kind hook"
	[[ "$output" == *hook* ]] || fail "the error does not mention the hook: $output"
	root_is_empty
	tong state "$CT_ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"does not exist"* ]]
	local pid
	pid=$(jq -r .pid "$HOOKLOG/state.json")
	# createContainer sees the init as pid 1 of its namespace.
	if [ "$kind" != createContainer ]; then
		retry "$WAIT_TRIES" 0.1 pid_gone "$pid"
	fi
	[ ! -e "$HOOKLOG/order" ]
}

@test "hooks: a failing prestart hook fails create, nothing is left" {
	fails_create prestart
}

@test "hooks: a failing createRuntime hook fails create, nothing is left" {
	fails_create createRuntime
}

@test "hooks: a failing createContainer hook fails create, nothing is left" {
	fails_create createContainer
}

@test "hooks: a failing startContainer hook: the process never runs, run fails" {
	add_hook startContainer '{"path": "/bin/sh", "args": ["sh", "-c", "cat >/dev/null; exit 3"]}'
	set_args /bin/sh -c 'echo process >>/hooklog/order'
	tong_fg ! run "$CT_ID"
	[ "$status" -ne 0 ]
	[ ! -e "$HOOKLOG/order" ]
	root_is_empty
}

@test "hooks: a failing hook's stderr is in the --log JSON error (as runc)" {
	add_sh_hook prestart 'cat >/dev/null; echo hook-said-no >&2; exit 3'
	tong --log "$TEST_DIR/log.json" --log-format json create "$CT_ID"
	[ "$status" -ne 0 ]
	jq -e . "$TEST_DIR/log.json" >/dev/null
	tail -n 1 "$TEST_DIR/log.json" | jq -e '.level == "error" and (.msg | contains("hook-said-no"))' ||
		fail "log: $(cat "$TEST_DIR/log.json")"
}

@test "hooks: a failing poststart hook is a warning: start succeeds, the container runs" {
	add_sh_hook poststart 'cat >/dev/null; exit 3'
	add_record_hook poststart
	tong create "$CT_ID"
	[ "$status" -eq 0 ]
	tong start "$CT_ID"
	[ "$status" -eq 0 ]
	[[ "$output" == *hook* ]] || fail "no warning about the failing poststart hook: $output"
	[ "$(__tong state "$CT_ID" | jq -r .status)" = running ]
	# The remaining poststart hooks run all the same (runtime-spec).
	grep -qx poststart "$HOOKLOG/order" || fail "the second poststart hook did not run"
}

@test "hooks: a failing poststop hook is a warning: delete succeeds, the state is gone" {
	add_sh_hook poststop 'cat >/dev/null; exit 3'
	add_record_hook poststop
	set_args /probe exit 0
	tong create "$CT_ID"
	[ "$status" -eq 0 ]
	tong start "$CT_ID"
	[ "$status" -eq 0 ]
	wait_for_state "$CT_ID" stopped
	tong delete "$CT_ID"
	[ "$status" -eq 0 ]
	[[ "$output" == *hook* ]] || fail "no warning about the failing poststop hook: $output"
	root_is_empty
	# The remaining poststop hooks run all the same (runtime-spec).
	grep -qx poststop "$HOOKLOG/order" || fail "the second poststop hook did not run"
}

@test "hooks: a prestart hook past its timeout is killed and create fails, nothing is left" {
	add_sh_hook prestart 'echo $$ >"$0/hook.pid"; exec sleep 1000' '{"timeout": 1}'
	tong_fg create "$CT_ID"
	local rc=$status out=$output hook_pid
	[ -s "$HOOKLOG/hook.pid" ]
	hook_pid=$(cat "$HOOKLOG/hook.pid")
	track_pid "$hook_pid"
	[ "$rc" -ne 0 ]
	[[ "${out,,}" == *timeout* || "${out,,}" == *"timed out"* ]] || fail "the error does not say why: $out"
	retry "$WAIT_TRIES" 0.1 pid_gone "$hook_pid"
	root_is_empty
}

@test "hooks: run with a slow poststart hook still returns the process's exit status" {
	# The process exits while the poststart hook runs: run must reap and
	# report it all the same.
	add_sh_hook poststart 'cat >/dev/null; sleep 1'
	set_args /probe exit 7
	FG_TIMEOUT=30 tong_fg run "$CT_ID"
	[ "$status" -eq 7 ]
	root_is_empty
}
