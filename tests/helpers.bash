# shellcheck shell=bash
# Sourced by every .bats file: `load ../helpers` (or the right number of ..).
#
# A test usually reads
#
#   setup() { setup_bundle; }
#   teardown() { teardown_bundle; }
#
#   @test "the probe says hello" {
#       update_config '.process.args = ["/probe", "echo", "hi"]'
#       tong run "$CT_ID"
#       [ "$status" -eq 0 ]
#       [ "$output" = hi ]
#   }
#
# Every test gets its own directory ($TEST_DIR), bundle ($BUNDLE, the
# working directory), container id ($CT_ID) and state roots for tong, runc
# and crun; teardown_bundle removes every container, process, cgroup, mount
# and file the test made, and fails the test when it cannot.
#
# Functions:
#   tong [-N|!] ARGS...      bats `run` of $TONG --root $TONG_TEST_ROOT ARGS,
#                            logged (command, status, output: shown on failure)
#   runc [-N|!] ARGS...      the same for runc (--root $RUNC_TEST_ROOT)
#   run_crun [-N|!] ARGS...  the same for crun, cgroup2 hidden from it
#   run_logged [-N|!] CMD... the same for any command
#   __tong/__runc/__crun ARGS...  the raw commands, without run (pipelines)
#   setup_test_dir           TEST_DIR, BUNDLE (empty, cwd), CT_ID, state roots
#   setup_bundle [--no-config]  setup_test_dir + busybox rootfs + config.json
#   teardown_bundle          removes everything, fails when it cannot
#   update_config EXPR [JQ-ARGS...]  edits config.json with jq
#   set_args ARG...          sets process.args
#   requires FEATURE...      skips with a reason unless the machine has them
#   wait_for_state [-r RT] ID STATE   bounded wait for a container's state
#   retry N DELAY CMD...     bounded retry of a command (bats run)
#   track_pid PID... / track_cgroup PATH...  more things for teardown to kill
#   pid_gone PID             true when PID has exited (or is a zombie)
#   fail MESSAGE             fails the test with MESSAGE
#
# Variables (each may be set by the caller):
#   BUILDDIR        build directory (default <repo>/build)
#   TONG            the runtime under test (default $BUILDDIR/tong)
#   PROBE           the static probe (default $BUILDDIR/tests/probe)
#   BUSYBOX_ROOTFS  rootfs template (run-all builds $BUILDDIR/fixtures/busybox-rootfs;
#                   without it one is built once per bats run)
#   RUNC, CRUN      the reference runtimes (default: from PATH)
#   WAIT_TRIES      attempts of wait_for_state/retry (default 100, 0.1s apart)

if [ -z "${BATS_RUN_TMPDIR:-}" ]; then
	echo "helpers.bash: needs bats-core >= 1.2.1" >&2
	exit 1
fi
# `run -N` and `run !` without warnings.
if type -t bats_require_minimum_version >/dev/null; then
	bats_require_minimum_version 1.5.0
fi

TESTS_DIR=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
REPO_ROOT=$(dirname "$TESTS_DIR")
FIXTURES=$TESTS_DIR/fixtures
: "${BUILDDIR:=$REPO_ROOT/build}"
: "${TONG:=$BUILDDIR/tong}"
: "${PROBE:=$BUILDDIR/tests/probe}"
: "${RUNC:=$(type -P runc || echo /usr/sbin/runc)}"
: "${CRUN:=$(type -P crun || echo /usr/bin/crun)}"
: "${WAIT_TRIES:=100}"
export BUILDDIR TONG PROBE RUNC CRUN

# ---- failing and logging ---------------------------------------------------

# fail MESSAGE...: fails the test with MESSAGE.
fail() {
	echo "$@" >&2
	return 1
}

# Output on stdout/stderr of a test is shown by bats only when the test
# fails; fd 3 is bats' own and must never reach a process that may outlive
# the command (a detached container holding it makes bats wait forever).
__log_result() {
	# shellcheck disable=SC2154 # set by bats' run
	echo "\$ $* (status=$status)" >&2
	if [ -n "$output" ]; then
		printf '%s\n' "$output" >&2
	fi
}

# __capture CMD...: runs CMD with stdout and stderr in a fresh file under the
# test dir (not a pipe, so a detached container writing to them cannot keep
# `run` waiting), then prints the file.
__capture() {
	local out rc=0
	out=$(mktemp "${TEST_DIR:-${BATS_TEST_TMPDIR:-$BATS_RUN_TMPDIR}}/.output.XXXXXX") || return
	"$@" >"$out" 2>&1 3>&- || rc=$?
	cat "$out"
	return "$rc"
}

# Separates bats' own `run` flags (-N, !) from the command.
__run_flags=()
__split_run_flags() {
	__run_flags=()
	while [ $# -gt 0 ]; do
		case $1 in
		!) __run_flags+=("$1") ;;
		-[0-9] | -[0-9][0-9] | -[0-9][0-9][0-9]) __run_flags+=("$1") ;;
		*) break ;;
		esac
		shift
	done
	__run_rest=$#
}

# ---- runtimes --------------------------------------------------------------

# __tong ARGS...: the runtime under test on the test's private state root,
# without bats' run (for pipelines and setup code).
__tong() {
	"$TONG" --root "${TONG_TEST_ROOT:?call setup_test_dir or setup_bundle first}" "$@" 3>&-
}

# tong [-N|!] ARGS...: `run`s __tong, sets $status and $output, logs the
# command, its status and output (shown if the test fails).
tong() {
	__split_run_flags "$@"
	shift $(($# - __run_rest))
	local rc=0
	run "${__run_flags[@]}" __capture __tong "$@" || rc=$?
	__log_result "tong $*"
	return "$rc"
}

__runc() {
	"$RUNC" --root "${RUNC_TEST_ROOT:?call setup_test_dir or setup_bundle first}" "$@" 3>&-
}

# runc [-N|!] ARGS...: like tong, for the reference runtime runc.
runc() {
	__split_run_flags "$@"
	shift $(($# - __run_rest))
	local rc=0
	run "${__run_flags[@]}" __capture __runc "$@" || rc=$?
	__log_result "runc $*"
	return "$rc"
}

# crun 1.8 refuses a hybrid cgroup layout ("cgroups in hybrid mode not
# supported"): run it in a private mount namespace where a small tmpfs
# hides /sys/fs/cgroup/unified.  Nothing is mounted or unmounted on the host.
__crun() {
	if mountpoint -q /sys/fs/cgroup/unified 2>/dev/null; then
		unshare -m --propagation private sh -c \
			'mount -t tmpfs -o size=1m none /sys/fs/cgroup/unified && exec "$@"' \
			crun "$CRUN" --root "${CRUN_TEST_ROOT:?call setup_test_dir or setup_bundle first}" "$@" 3>&-
	else
		"$CRUN" --root "${CRUN_TEST_ROOT:?call setup_test_dir or setup_bundle first}" "$@" 3>&-
	fi
}

# run_crun [-N|!] ARGS...: like tong, for crun (cgroup2 hidden, see __crun).
run_crun() {
	__split_run_flags "$@"
	shift $(($# - __run_rest))
	local rc=0
	run "${__run_flags[@]}" __capture __crun "$@" || rc=$?
	__log_result "crun $*"
	return "$rc"
}

# run_logged [-N|!] CMD...: `run` with the same logging, for any command.
run_logged() {
	__split_run_flags "$@"
	shift $(($# - __run_rest))
	local rc=0
	run "${__run_flags[@]}" __capture "$@" || rc=$?
	__log_result "$*"
	return "$rc"
}

# ---- bundles ---------------------------------------------------------------

# The busybox rootfs template, built once per bats run when run-all has not
# provided one (e.g. `bats tests/runtime/00-harness.bats`).
__ensure_rootfs_template() {
	if [ -z "${BUSYBOX_ROOTFS:-}" ]; then
		BUSYBOX_ROOTFS=$BATS_RUN_TMPDIR/busybox-rootfs
	fi
	if [ ! -x "$BUSYBOX_ROOTFS/bin/busybox" ] || ! cmp -s "$PROBE" "$BUSYBOX_ROOTFS/probe"; then
		"$FIXTURES/make-busybox-rootfs" "$BUSYBOX_ROOTFS" >&2 ||
			fail "cannot build the busybox rootfs template in $BUSYBOX_ROOTFS" || return
	fi
	export BUSYBOX_ROOTFS
}

# setup_test_dir: makes the test's private directory and sets
#   TEST_DIR        the directory (under $TONG_TEST_TMPDIR, default $TMPDIR or
#                   /tmp; not under bats' own temporary directories, which
#                   bats removes with a plain rm -rf); everything goes here
#   BUNDLE          $TEST_DIR/bundle (created, empty, and the working directory)
#   TONG_TEST_ROOT  --root for tong (also RUNC_TEST_ROOT, CRUN_TEST_ROOT)
#   CT_ID           a container id unique to this test (cgroup names are global)
setup_test_dir() {
	local base=${TONG_TEST_TMPDIR:-${TMPDIR:-/tmp}}
	TEST_DIR=$(mktemp -d "$base/tong-test.XXXXXX") || return
	TEST_DIR=$(readlink -f "$TEST_DIR")
	BUNDLE=$TEST_DIR/bundle
	TONG_TEST_ROOT=$TEST_DIR/state/tong
	RUNC_TEST_ROOT=$TEST_DIR/state/runc
	CRUN_TEST_ROOT=$TEST_DIR/state/crun
	CT_ID=tong-test-${TEST_DIR##*.}
	mkdir -p "$BUNDLE" "$TONG_TEST_ROOT" "$RUNC_TEST_ROOT" "$CRUN_TEST_ROOT"
	# Processes started by the test later than this may be killed by pid.
	__TEST_START=$(__starttime "$BASHPID")
	export TEST_DIR BUNDLE TONG_TEST_ROOT RUNC_TEST_ROOT CRUN_TEST_ROOT CT_ID
	cd "$BUNDLE" || return
}

# setup_bundle [--no-config]: setup_test_dir, then a busybox bundle in
# $BUNDLE: rootfs/ with /probe, and config.json from `$TONG spec` (or
# `$SPEC_RUNTIME spec`) running `/probe echo hello from tong`, terminal
# false.  --no-config leaves config.json out.
setup_bundle() {
	setup_test_dir
	__ensure_rootfs_template || return
	"$FIXTURES/make-busybox-bundle" "$@" "$BUNDLE" >&2 ||
		fail "make-busybox-bundle $* $BUNDLE failed"
}

# update_config JQ-EXPR [JQ-ARGS...] : edits $BUNDLE/config.json (or
# ./config.json without a bundle) in place, e.g.
#   update_config '.process.args = ["/probe", "getenv", $n]' --arg n HOME
update_config() {
	local file=${BUNDLE:-.}/config.json expr=$1 tmp
	shift
	tmp=$(mktemp "$file.XXXXXX") || return
	if ! jq "$@" "$expr" "$file" >"$tmp"; then
		rm -f "$tmp"
		fail "update_config: jq $expr failed on $file"
		return
	fi
	chmod 0644 "$tmp"
	mv -f "$tmp" "$file"
}

# set_args ARG...: shorthand for setting process.args.
set_args() {
	local named=() i=0 a
	# jq 1.6 has no `--args --`: pass each argument as a named one (a0, a1…).
	for a in "$@"; do
		named+=(--arg "a$((i++))" "$a")
	done
	# shellcheck disable=SC2016 # jq variables
	update_config '.process.args = [$ARGS.named | to_entries | sort_by(.key[1:] | tonumber) | .[].value]' \
		"${named[@]}"
}

# ---- processes -------------------------------------------------------------

# Start time of a process in clock ticks since boot (field 22 of stat).
__starttime() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	# shellcheck disable=SC2086
	set -- $stat
	echo "${20}"
}

# track_pid PID...: teardown_bundle kills PID with SIGKILL (if it still
# exists and was started during the test).
track_pid() {
	local pid
	for pid in "$@"; do
		echo "$pid" >>"$TEST_DIR/.pids"
	done
}

# track_cgroup PATH...: teardown_bundle removes the cgroup directory PATH
# (rmdir, children first), e.g. a parent cgroup the test made itself.
track_cgroup() {
	local p
	for p in "$@"; do
		echo "$p" >>"$TEST_DIR/.cgroups"
	done
}

# pid_gone PID: true when PID no longer runs (absent or a zombie).
pid_gone() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
	stat=${stat##*) }
	[ "${stat%% *}" = Z ]
}

# kill_pids_file FILE: SIGKILL to every pid listed in FILE (one a line; a
# missing FILE lists none), each waited for up to 5 s.  Says which survived
# on stderr and fails when any did.
kill_pids_file() {
	local pid i rc=0
	[ -f "$1" ] || return 0
	while read -r pid; do
		[ -n "$pid" ] || continue
		kill -KILL "$pid" 2>/dev/null || true
		for ((i = 0; i < 50; i++)); do
			pid_gone "$pid" && break
			sleep 0.1
		done
		pid_gone "$pid" || {
			echo "teardown: process $pid survived SIGKILL" >&2
			rc=1
		}
	done <"$1"
	return "$rc"
}

# retry N DELAY CMD...: runs CMD (with bats' run) up to N times, DELAY
# seconds apart, until it succeeds.  A bound, never a timing assertion.
retry() {
	local tries=$1 delay=$2 i
	shift 2
	for ((i = 0; i < tries; i++)); do
		run "$@"
		[ "$status" -eq 0 ] && return 0
		sleep "$delay"
	done
	fail "retry: \"$*\" failed $tries times; last output: $output"
}

# wait_for_state [-r tong|runc|crun] ID STATE: waits (bounded by
# WAIT_TRIES) until `RUNTIME state ID` reports STATE (creating, created,
# running, paused, stopped), or, for STATE "deleted", until state fails.
wait_for_state() {
	local rt=tong
	if [ "${1:-}" = -r ]; then
		rt=$2
		shift 2
	fi
	local id=$1 want=$2 i got=
	for ((i = 0; i < WAIT_TRIES; i++)); do
		if got=$("__$rt" state "$id" 2>&1); then
			got=$(jq -r .status <<<"$got" 2>/dev/null) || got="unparsable: $got"
			[ "$got" = "$want" ] && return 0
		else
			[ "$want" = deleted ] && return 0
		fi
		sleep 0.1
	done
	fail "wait_for_state: $rt container $id is \"$got\", not \"$want\" after $WAIT_TRIES tries"
}

# ---- preconditions ---------------------------------------------------------

# True when a cgroup2 hierarchy offers the controllers the v2 tests use
# (memory, pids, cpu).  cgroupfs files report size 0, so read them.
__cgroup_v2_controllers() {
	local f c
	for f in /sys/fs/cgroup/cgroup.controllers /sys/fs/cgroup/unified/cgroup.controllers; do
		[ -r "$f" ] || continue
		c=" $(cat "$f") "
		if [[ "$c" == *" memory "* && "$c" == *" pids "* && "$c" == *" cpu "* ]]; then
			return 0
		fi
	done
	return 1
}

# requires FEATURE...: skips the test, with the reason, unless the machine
# has every FEATURE: root, rootless, runc, crun, jq, busybox, cgroups_v1,
# cgroups_v2, cgroupns, userns, seccomp, selinux, apparmor, smp.  Only for
# what a machine may truly lack: a missing build product (tong, the probe)
# is a failure, never a skip.
requires() {
	local f reason
	for f in "$@"; do
		reason=
		case $f in
		root) [ "$(id -u)" -eq 0 ] || reason="not running as root" ;;
		rootless) [ "$(id -u)" -ne 0 ] || reason="running as root" ;;
		runc) [ -x "$RUNC" ] || reason="runc not installed (make deps)" ;;
		crun) [ -x "$CRUN" ] || reason="crun not installed (make deps)" ;;
		jq) command -v jq >/dev/null || reason="jq not installed (make deps)" ;;
		busybox)
			if [ ! -x "${BUSYBOX:-/bin/busybox}" ] || ldd "${BUSYBOX:-/bin/busybox}" >/dev/null 2>&1; then
				reason="no static busybox (install busybox-static: make deps)"
			fi
			;;
		cgroups_v1)
			grep -q ' - cgroup ' /proc/self/mountinfo || reason="no cgroup v1 hierarchy mounted"
			;;
		cgroups_v2)
			__cgroup_v2_controllers || reason="no cgroup v2 hierarchy with the memory, pids and cpu controllers (this host: cgroup v1 controllers, cgroup2 offers $(cat /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null || echo nothing))"
			;;
		cgroupns) [ -e /proc/self/ns/cgroup ] || reason="kernel without cgroup namespaces" ;;
		freezer)
			grep -qE ' - cgroup .*[,\s]freezer(,|$)' /proc/self/mountinfo ||
				[ -e /sys/fs/cgroup/cgroup.freeze ] || [ -n "$(__cgroup2_mount_with_freeze)" ] ||
				reason="no cgroup v1 freezer hierarchy and no cgroup v2 cgroup.freeze"
			;;
		userns)
			if [ ! -e /proc/self/ns/user ] || [ "$(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo 0)" -eq 0 ]; then
				reason="kernel without user namespaces"
			elif ! unshare -U true 2>/dev/null; then
				reason="user namespaces not permitted here"
			fi
			;;
		seccomp) [ -e /proc/sys/kernel/seccomp/actions_avail ] || reason="kernel without seccomp filters" ;;
		selinux) [ -e /sys/fs/selinux/enforce ] || reason="SELinux is not enabled" ;;
		apparmor)
			[ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ] ||
				reason="AppArmor is not enabled"
			;;
		smp) [ "$(nproc)" -ge 2 ] || reason="fewer than 2 CPUs" ;;
		*)
			fail "requires: unknown feature \"$f\" (a bug in the test)"
			return
			;;
		esac
		if [ -n "$reason" ]; then
			skip "requires $f: $reason"
		fi
	done
}

# __cgroup2_mount_with_freeze: a cgroup2 mount point whose non-root cgroups
# have cgroup.freeze (the file exists only below the root).
__cgroup2_mount_with_freeze() {
	local m
	m=$(awk '{ for (i = 7; i < NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup2") { print $5; exit } break } }' /proc/self/mountinfo)
	[ -n "$m" ] && ls "$m"/*/cgroup.freeze >/dev/null 2>&1 && echo "$m"
}

# ---- cgroups -----------------------------------------------------------------

# mountpoint_of CTRL: where the v1 hierarchy carrying CTRL is mounted
# ("unified": the cgroup2 mount); fails when there is none.
mountpoint_of() {
	awk -v c="$1" '{
		for (i = 7; i <= NF && $i != "-"; i++) ;
		fs = $(i + 1)
		if (c == "unified") { if (fs == "cgroup2") { print $5; exit } ; next }
		if (fs != "cgroup") next
		n = split($(i + 3), o, ",")
		for (j = 1; j <= n; j++) if (o[j] == c) { print $5; exit }
	}' /proc/self/mountinfo | grep .
}

# cgroup_of CTRL PID: PID's cgroup path in that hierarchy (/proc/PID/cgroup).
cgroup_of() {
	if [ "$1" = unified ]; then
		awk -F: '$1 == "0" && $2 == "" { print $3 }' "/proc/$2/cgroup" | grep .
	else
		awk -F: -v c="$1" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' \
			"/proc/$2/cgroup" | grep .
	fi
}

# cg_dir CTRL PID: the directory of PID's cgroup, as seen from the host.
cg_dir() {
	local mnt path
	mnt=$(mountpoint_of "$1") || return 1
	path=$(cgroup_of "$1" "$2") || return 1
	echo "$mnt${path%/}"
}

# ---- teardown --------------------------------------------------------------

# __teardown_containers RUNTIME ROOT: kills and deletes every container in a
# private state root, by pid if the runtime cannot.
# container_ids ROOT: the containers' directories in a runtime's state
# root, one id a line; not the runtime's own entries (tong's @cache of
# compiled seccomp programs), whose names are no container id.
container_ids() {
	local d id
	for d in "$1"/*/; do
		[ -d "$d" ] || continue
		id=$(basename "$d")
		if [[ $id =~ ^[A-Za-z0-9_+.-]+$ ]]; then
			echo "$id"
		fi
	done
}

__teardown_containers() {
	local rt=$1 root=$2 d id pid
	[ -d "$root" ] || return 0
	for id in $(container_ids "$root"); do
		d=$root/$id/
		pid=$("__$rt" state "$id" 2>/dev/null | jq -r '.pid // empty' 2>/dev/null) || pid=
		"__$rt" kill "$id" KILL >/dev/null 2>&1 || true
		"__$rt" delete --force "$id" >/dev/null 2>&1 || true
		if [ -n "$pid" ] && [ "$pid" -gt 0 ] 2>/dev/null; then
			echo "$pid" >>"$TEST_DIR/.pids"
		fi
		if [ -d "$d" ]; then
			echo "teardown: $rt delete --force $id left $d behind" >&2
			__teardown_failed=1
		fi
	done
}

# no_containers_left: fails when tong's state root holds a container (its
# @cache of compiled seccomp programs is not one).
no_containers_left() {
	local left
	left=$(container_ids "$TONG_TEST_ROOT")
	[ -z "$left" ] || fail "containers left in $TONG_TEST_ROOT: $left"
}

# __kill_tracked: SIGKILL for the pids recorded by track_pid (and by the
# runtimes' state), only those started during the test, then waits for them.
__kill_tracked() {
	local pid start i
	[ -f "$TEST_DIR/.pids" ] || return 0
	while read -r pid; do
		[ -n "$pid" ] || continue
		start=$(__starttime "$pid") || continue
		[ "$start" -ge "${__TEST_START:-0}" ] || continue
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		for ((i = 0; i < WAIT_TRIES; i++)); do
			pid_gone "$pid" && break
			sleep 0.1
		done
		if ! pid_gone "$pid"; then
			echo "teardown: process $pid survived SIGKILL" >&2
			__teardown_failed=1
		fi
	done <"$TEST_DIR/.pids"
}

# __cleanup_cgroups: removes cgroups named $CT_ID that a runtime left
# behind (a failure: delete must remove them) and those the test tracked.
__cleanup_cgroups() {
	local d
	if [ -n "${CT_ID:-}" ]; then
		while IFS= read -r d; do
			echo "teardown: cgroup $d was left behind" >&2
			__teardown_failed=1
			echo "$d" >>"$TEST_DIR/.cgroups"
		done < <(find /sys/fs/cgroup -maxdepth 6 -type d -name "$CT_ID" 2>/dev/null)
	fi
	[ -f "$TEST_DIR/.cgroups" ] || return 0
	while IFS= read -r d; do
		[ -d "$d" ] || continue
		if ! find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || [ -d "$d" ]; then
			echo "teardown: cannot remove cgroup $d" >&2
			__teardown_failed=1
		fi
	done < <(awk '{ print length($0), $0 }' "$TEST_DIR/.cgroups" | sort -rn | cut -d' ' -f2-)
}

# Mount points at or under DIR in our mount namespace, deepest first.
__mounts_under() {
	awk -v dir="$1" '{
		mp = $5; gsub(/\\040/, " ", mp)
		if (mp == dir || index(mp, dir "/") == 1) print length(mp), mp
	}' /proc/self/mountinfo | sort -rn | cut -d' ' -f2-
}

__unmount_under() {
	local dir=$1 mp i
	for ((i = 0; i < 10; i++)); do
		[ -n "$(__mounts_under "$dir")" ] || return 0
		while IFS= read -r mp; do
			umount -l "$mp" 2>/dev/null || true
		done < <(__mounts_under "$dir")
	done
	echo "teardown: still mounted under $dir: $(__mounts_under "$dir" | tr '\n' ' ')" >&2
	__teardown_failed=1
}

# teardown_bundle: removes what the test made, in order: containers in the
# private roots of tong, runc and crun (kill -9, delete --force), processes
# recorded with track_pid or reported by `state`, cgroups named $CT_ID or
# recorded with track_cgroup, mounts under $TEST_DIR (lazily, deepest
# first), then $TEST_DIR.  Returns non-zero (failing the
# test) when something could not be removed.  Safe to call twice.
teardown_bundle() {
	[ -n "${TEST_DIR:-}" ] || return 0
	__teardown_failed=
	cd "$TESTS_DIR" || cd /

	if [ -x "$TONG" ]; then
		__teardown_containers tong "$TONG_TEST_ROOT"
	fi
	if [ -x "$RUNC" ]; then
		__teardown_containers runc "$RUNC_TEST_ROOT"
	fi
	if [ -x "$CRUN" ]; then
		__teardown_containers crun "$CRUN_TEST_ROOT"
	fi
	__kill_tracked
	__cleanup_cgroups
	__unmount_under "$TEST_DIR"
	# --one-file-system: never descend into a mount that survived.
	if ! rm -rf --one-file-system "$TEST_DIR"; then
		echo "teardown: cannot remove $TEST_DIR" >&2
		__teardown_failed=1
	fi

	unset TEST_DIR BUNDLE TONG_TEST_ROOT RUNC_TEST_ROOT CRUN_TEST_ROOT CT_ID
	[ -z "$__teardown_failed" ]
}

# ---- bounded foreground runs -------------------------------------------
: "${FG_TIMEOUT:=60}"

# bounded CMD...: runs CMD (fd 3 closed); when it has not finished after
# $FG_TIMEOUT seconds it is killed, a message says so and the status is 124.
bounded() {
	local rc=0 t0=$SECONDS
	timeout -s KILL "$FG_TIMEOUT" "$@" 3>&- || rc=$?
	if [ "$rc" -eq 137 ] && [ $((SECONDS - t0)) -ge "$FG_TIMEOUT" ]; then
		echo "bounded: \"$*\" did not return within ${FG_TIMEOUT}s and was killed" >&2
		return 124
	fi
	return "$rc"
}

__tong_fg() {
	bounded "$TONG" --root "$TONG_TEST_ROOT" "$@"
}

# tong_fg [-N|!] ARGS...: like `tong`, bounded.
tong_fg() {
	__split_run_flags "$@"
	shift $(($# - __run_rest))
	local rc=0
	run "${__run_flags[@]}" __capture __tong_fg "$@" || rc=$?
	__log_result "tong $* (bounded)"
	return "$rc"
}
