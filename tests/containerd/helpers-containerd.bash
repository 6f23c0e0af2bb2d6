# shellcheck shell=bash
# Sourced by tests/containerd/*.bats after ../helpers:
#
#   load ../helpers
#   load helpers-containerd
#   setup_file() { ctd_setup_file; }
#   teardown_file() { ctd_teardown_file; }
#   setup() { ctd_setup; }
#   teardown() { ctd_teardown; }
#
# Each .bats file starts its own containerd (Debian's 1.6) with its own
# root, state, sockets, config and TMPDIR under one directory ($CTD_DIR),
# imports the busybox fixture as an OCI archive, and runs containers in a
# namespace of its own ($CTD_NS) with `ctr run --runc-binary $TONG
# --runc-root $CTD_RUNC_ROOT`: the runc v2 shim calls tong in place of runc
# with `--root $CTD_RUNC_ROOT/$CTD_NS`.
#
# containerd puts what it cannot be told to put elsewhere in fixed places:
# shim sockets under /run/containerd/s, cgroups /<namespace>/<id> made by
# the runtime (tong) under every hierarchy.  ctd_setup_file records what is
# there before; ctd_teardown_file stops containerd by pid, then removes and
# reports (failing) whatever is left that was not there before: shims and
# containers still running, mounts under $CTD_DIR, cgroups, sockets.
#
# Functions:
#   __ctr ARGS...            ctr on this file's containerd and namespace,
#                            bounded by $FG_TIMEOUT, stdin $CTR_STDIN
#                            (default /dev/null)
#   run_ctr [-N|!] ARGS...   bats `run` of __ctr, logged (shown on failure)
#   ctr_run [-N|!] ARGS...   run_ctr run with the fifo dir, runtime binary
#                            and root set: ctr_run --rm "$IMAGE" "$CT" CMD...
#   __ctr_run ARGS...        the same without bats' run
#   ctr_tty CMD-LINE         CMD-LINE (a shell string) under `script`, for
#                            ctr -t (a real terminal); bats run, logged
#   __tong_ctd ARGS...       tong as the shim calls it: --root
#                            $CTD_RUNC_ROOT/$CTD_NS --log FILE --log-format json
#   task_pid ID              the pid of ID's task (ctr task ls)
#   wait_task ID STATUS      bounded wait until ctr says the task is STATUS
#   cgroup_of CTRL ID        the v1 cgroup directory of container ID for CTRL
#
# Variables (exported by ctd_setup_file): CTD_DIR, CTD_SOCK, CTD_NS, CTD_PID,
# CTD_RUNC_ROOT (tong's --runc-root), IMAGE (the imported busybox image);
# per test: CT, a container id unique in the file.  RUNTIME_BIN (default
# $TONG) is what --runc-binary names: TONG=$(type -P runc) runs the lane
# against runc, the reference.

CTD_TESTS=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
: "${CONTAINERD:=$(type -P containerd || echo /usr/bin/containerd)}"
: "${CTR:=$(type -P ctr || echo /usr/bin/ctr)}"
: "${FG_TIMEOUT:=60}"
: "${RUNTIME_BIN:=$TONG}"
IMAGE=docker.io/library/tong-busybox:latest
CTD_SHIM_DIR=/run/containerd/s

# ---- ctr -------------------------------------------------------------------

__ctr() {
	TMPDIR=$CTD_DIR/tmp timeout -s KILL "$FG_TIMEOUT" \
		"$CTR" --address "$CTD_SOCK" --namespace "$CTD_NS" "$@" <"${CTR_STDIN:-/dev/null}" 3>&-
}

# shellcheck disable=SC2154 # __run_rest: set by __split_run_flags (../helpers.bash)
run_ctr() {
	__split_run_flags "$@"
	local flags=("${__run_flags[@]}")
	shift $(($# - __run_rest))
	run_logged "${flags[@]}" __ctr "$@"
}

# The options every `ctr run` of the lane needs: FIFOs under $CTD_DIR (ctr
# would make /run/containerd/fifo), tong as the runtime.
__ctr_run_opts() {
	printf '%s\n' --fifo-dir "$CTD_DIR/fifo" --runc-binary "$RUNTIME_BIN" --runc-root "$CTD_RUNC_ROOT"
}

# __ctr_run ARGS...: ctr run with those options, without bats' run.
__ctr_run() {
	local opts
	mapfile -t opts < <(__ctr_run_opts)
	__ctr run "${opts[@]}" "$@"
}

# shellcheck disable=SC2154
ctr_run() {
	__split_run_flags "$@"
	local flags=("${__run_flags[@]}")
	shift $(($# - __run_rest))
	run_logged "${flags[@]}" __ctr_run "$@"
}

# __ctr_tty CMD-LINE: CMD-LINE in a shell under script(1), whose pty is
# ctr's terminal; ctr's own arguments are prefixed by "ctr ".  script copies
# its stdin (/dev/null) to the terminal and returns the command's status.
__ctr_tty() {
	local cmd="TMPDIR=$CTD_DIR/tmp $CTR --address $CTD_SOCK --namespace $CTD_NS $1"
	timeout -s KILL "$FG_TIMEOUT" script -qec "$cmd" /dev/null </dev/null 3>&-
}

ctr_tty() {
	run_logged __ctr_tty "$@"
}

# __tong_ctd [--log FILE] ARGS...: tong with the global flags the runc shim
# passes (the log defaults to $CTD_DIR/tong-log.json).
__tong_ctd() {
	local log=$CTD_DIR/tong-log.json
	if [ "${1:-}" = --log ]; then
		log=$2
		shift 2
	fi
	timeout -s KILL "$FG_TIMEOUT" "$RUNTIME_BIN" --root "$CTD_RUNC_ROOT/$CTD_NS" \
		--log "$log" --log-format json "$@" 3>&-
}

# task_pid ID: the pid ctr reports for the task.
task_pid() {
	__ctr task ls | awk -v id="$1" '$1 == id { print $2 }'
}

# task_status ID: RUNNING, PAUSED, STOPPED, CREATED... (empty: no task).
task_status() {
	__ctr task ls | awk -v id="$1" '$1 == id { print $3 }'
}

# wait_task ID STATUS: bounded wait (WAIT_TRIES, 0.1 s apart).
wait_task() {
	local i got=
	for ((i = 0; i < WAIT_TRIES; i++)); do
		got=$(task_status "$1")
		[ "$got" = "$2" ] && return 0
		sleep 0.1
	done
	fail "wait_task: task $1 is \"$got\", not \"$2\" after $WAIT_TRIES tries"
}

# cgroup_of CTRL ID: containerd's cgroupsPath is /<namespace>/<id>.
cgroup_of() {
	local m
	m=$(mountpoint_of "$1") || return
	echo "$m/$CTD_NS/$2"
}

# Every cgroup hierarchy's mount point (v1 ones and cgroup2).
__cgroup_mounts() {
	awk '{
		for (i = 7; i <= NF && $i != "-"; i++) ;
		fs = $(i + 1)
		if (fs == "cgroup" || fs == "cgroup2") print $5
	}' /proc/self/mountinfo
}

# ---- per file --------------------------------------------------------------

__ctd_failed=
__ctd_report() {
	echo "teardown: $*" >&2
	__ctd_failed=1
}

# __ctd_config [PLUGIN...]: the head of a containerd config with its root,
# state and sockets under $CTD_DIR ($CTD_SOCK), no debug or metrics
# listener, and the snapshotters and tracing no lane uses disabled, with
# the PLUGINs besides.  The caller appends its plugins' sections.
__ctd_config() {
	local p
	cat <<-EOF
		version = 2
		root = "$CTD_DIR/root"
		state = "$CTD_DIR/state"
		plugin_dir = ""
		disabled_plugins = [
	EOF
	for p in "$@" io.containerd.snapshotter.v1.aufs io.containerd.snapshotter.v1.btrfs \
		io.containerd.snapshotter.v1.devmapper io.containerd.snapshotter.v1.zfs \
		io.containerd.tracing.processor.v1.otlp io.containerd.internal.v1.tracing; do
		printf '  "%s",\n' "$p"
	done
	cat <<-EOF
		]
		[grpc]
		  address = "$CTD_SOCK"
		[ttrpc]
		  address = "$CTD_SOCK.ttrpc"
		[debug]
		  address = ""
		  level = "info"
		[metrics]
		  address = ""
	EOF
}

# __ctd_start READY-CMD...: starts containerd on $CTD_DIR/config.toml (its
# TMPDIR and log under $CTD_DIR; CTD_PID, also in $CTD_DIR/containerd.pid)
# and waits, up to 30 s, until READY-CMD succeeds; fails with the end of
# containerd's log otherwise.
__ctd_start() {
	TMPDIR=$CTD_DIR/tmp "$CONTAINERD" --config "$CTD_DIR/config.toml" \
		</dev/null >"$CTD_DIR/containerd.log" 2>&1 3>&- &
	CTD_PID=$!
	echo "$CTD_PID" >"$CTD_DIR/containerd.pid"
	export CTD_PID
	local i
	for ((i = 0; i < 300; i++)); do
		if [ -S "$CTD_SOCK" ] && "$@" >/dev/null 2>&1; then
			return 0
		fi
		pid_gone "$CTD_PID" && break
		sleep 0.1
	done
	"$@" >/dev/null 2>&1 && return 0
	tail -n 40 "$CTD_DIR/containerd.log" >&2
	fail "containerd did not come up on $CTD_SOCK ($* fails)"
}

ctd_setup_file() {
	requires root jq busybox
	[ -x "$CONTAINERD" ] || skip "containerd not installed (make deps)"
	[ -x "$CTR" ] || skip "ctr not installed (make deps)"
	command -v containerd-shim-runc-v2 >/dev/null || skip "containerd-shim-runc-v2 not installed (make deps)"
	command -v script >/dev/null || skip "script(1) not installed (make deps: util-linux / bsdutils)"
	[ -x "$RUNTIME_BIN" ] || fail "$RUNTIME_BIN is not built (make)" || return
	grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null || true

	local base=${TONG_TEST_TMPDIR:-${TMPDIR:-/tmp}}
	CTD_DIR=$(mktemp -d "$base/tong-ctd.XXXXXX") || return
	CTD_DIR=$(readlink -f "$CTD_DIR")
	# A namespace (and so a cgroup parent) no other run uses.
	CTD_NS=tong-ctd-$(tr '[:upper:]' '[:lower:]' <<<"${CTD_DIR##*.}")-$$
	CTD_SOCK=$CTD_DIR/containerd.sock
	CTD_RUNC_ROOT=$CTD_DIR/runtime-root
	mkdir -p "$CTD_DIR/tmp" "$CTD_DIR/fifo" "$CTD_RUNC_ROOT"
	export CTD_DIR CTD_NS CTD_SOCK CTD_RUNC_ROOT IMAGE RUNTIME_BIN

	# What was there before us.
	[ -d /run/containerd ] && : >"$CTD_DIR/.had-run-containerd"
	[ -d "$CTD_SHIM_DIR" ] && : >"$CTD_DIR/.had-shim-dir"
	find "$CTD_SHIM_DIR" -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort >"$CTD_DIR/.shim-sockets-before"
	local d
	for d in $(__cgroup_mounts); do
		if [ -e "$d/$CTD_NS" ]; then
			fail "cgroup $d/$CTD_NS exists before the test started" || return
		fi
	done

	# Only what ctr needs: no CRI (and so no CNI), no /opt/containerd, no
	# snapshotters but overlayfs and native, no tracing.  The tasks service
	# of 1.6 still needs the v1 runtime plugin loaded.
	__ctd_config io.containerd.grpc.v1.cri io.containerd.internal.v1.opt >"$CTD_DIR/config.toml"
	__ctd_start __ctr version || return

	# The busybox fixture as an OCI archive.
	__ensure_rootfs_template || return
	TMPDIR=$CTD_DIR/tmp "$CTD_TESTS/make-oci-archive" "$BUSYBOX_ROOTFS" "$CTD_DIR/busybox.tar" "$IMAGE" \
		>"$CTD_DIR/image-digest" || fail "make-oci-archive failed" || return
	local out
	out=$(__ctr images import "$CTD_DIR/busybox.tar" 2>&1) ||
		fail "ctr images import failed: $out" || return
	__ctr images ls -q | grep -qxF "$IMAGE" ||
		fail "ctr images import did not make $IMAGE: $out; images: $(__ctr images ls -q)" || return
}

# __ctd_remove_container ID: kills, deletes the task, removes the container
# (each step bounded; errors ignored: the checks afterwards judge).
__ctd_remove_container() {
	local id=$1 i st
	__ctr task kill -s KILL --all "$id" >/dev/null 2>&1 || true
	for ((i = 0; i < 50; i++)); do
		st=$(task_status "$id")
		case $st in
		"") break ;;
		STOPPED | CREATED | UNKNOWN)
			__ctr task delete "$id" >/dev/null 2>&1 || true
			;;
		PAUSED)
			__ctr task resume "$id" >/dev/null 2>&1 || true
			__ctr task kill -s KILL --all "$id" >/dev/null 2>&1 || true
			;;
		*) __ctr task kill -s KILL "$id" >/dev/null 2>&1 || true ;;
		esac
		sleep 0.1
	done
	[ -z "$(task_status "$id")" ] || __ctr task delete --force "$id" >/dev/null 2>&1 || true
	__ctr containers rm "$id" >/dev/null 2>&1 || true
}

# __ctd_check_runtime_state: after every container is gone, tong's root for
# the namespace must be empty and no cgroup of the namespace may hold a
# container's cgroup.  Leftovers are removed with tong itself and reported.
__ctd_check_runtime_state() {
	local root=$CTD_RUNC_ROOT/$CTD_NS id m
	if [ -d "$root" ]; then
		for id in $(container_ids "$root"); do
			__ctd_report "tong state of $id is left in $root after containerd removed it"
			"$TONG" --root "$root" kill "$id" KILL >/dev/null 2>&1 || true
			"$TONG" --root "$root" delete --force "$id" >/dev/null 2>&1 || true
		done
	fi
	for m in $(__cgroup_mounts); do
		[ -d "$m/$CTD_NS" ] || continue
		while IFS= read -r d; do
			__ctd_report "cgroup $d is left behind"
			find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || true
		done < <(find "$m/$CTD_NS" -mindepth 1 -maxdepth 1 -type d)
	done
}

# ctd_teardown_file: stops containerd (after removing every container of the
# namespace through it), then removes and reports what is left: shims,
# processes, mounts under $CTD_DIR, cgroups, shim sockets, /run/containerd
# when it was not there before.  Fails when anything was left behind.
ctd_teardown_file() {
	[ -n "${CTD_DIR:-}" ] && [ -d "$CTD_DIR" ] || return 0
	__ctd_failed=
	cd / || true
	local id i pid

	if [ -n "${CTD_PID:-}" ] && ! pid_gone "$CTD_PID"; then
		for id in $(__ctr containers ls -q 2>/dev/null); do
			__ctd_remove_container "$id"
		done
		__ctr images rm --sync "$IMAGE" >/dev/null 2>&1 || true
		kill -TERM "$CTD_PID" 2>/dev/null || true
		for ((i = 0; i < 200; i++)); do
			pid_gone "$CTD_PID" && break
			sleep 0.1
		done
		if ! pid_gone "$CTD_PID"; then
			__ctd_report "containerd ($CTD_PID) did not stop on SIGTERM; killed"
			kill -KILL "$CTD_PID" 2>/dev/null || true
		fi
		wait "$CTD_PID" 2>/dev/null || true
	fi

	# Shims of this containerd (they outlive it): named by its socket.  A
	# shim exits once its container is deleted, so give them a moment.
	local shims=()
	for ((i = 0; i < 50; i++)); do
		mapfile -t shims < <(__ctd_shim_pids)
		[ "${#shims[@]}" -eq 0 ] && break
		sleep 0.1
	done
	for pid in "${shims[@]}"; do
		__ctd_report "shim $pid ($(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)) still runs; killed"
		kill -KILL "$pid" 2>/dev/null || true
	done

	__ctd_check_runtime_state

	# Mounts under our directory (container rootfs overlays).
	local mp
	for ((i = 0; i < 10; i++)); do
		[ -n "$(__mounts_under "$CTD_DIR")" ] || break
		while IFS= read -r mp; do
			[ "$i" -gt 0 ] || __ctd_report "$mp is still mounted"
			umount -l "$mp" 2>/dev/null || true
		done < <(__mounts_under "$CTD_DIR")
	done
	[ -z "$(__mounts_under "$CTD_DIR")" ] || __ctd_report "cannot unmount under $CTD_DIR"

	# The namespace's cgroup parents (made by the runtime, as runc does):
	# ours by their unique name.
	local m
	for m in $(__cgroup_mounts); do
		[ -d "$m/$CTD_NS" ] || continue
		find "$m/$CTD_NS" -depth -type d -exec rmdir {} + 2>/dev/null || true
		[ ! -d "$m/$CTD_NS" ] || __ctd_report "cannot remove cgroup $m/$CTD_NS"
	done

	# Shim sockets that were not there before.
	local s
	if [ -d "$CTD_SHIM_DIR" ]; then
		while IFS= read -r s; do
			[ -n "$s" ] || continue
			# A socket some live process listens on belongs to another
			# containerd's shim (a concurrent run on this machine): not ours.
			if ss -xl 2>/dev/null | grep -qF "$CTD_SHIM_DIR/$s"; then
				continue
			fi
			__ctd_report "shim socket $CTD_SHIM_DIR/$s is left behind"
			rm -f "${CTD_SHIM_DIR:?}/$s"
		done < <(find "$CTD_SHIM_DIR" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort |
			comm -13 "$CTD_DIR/.shim-sockets-before" -)
		[ -e "$CTD_DIR/.had-shim-dir" ] || rmdir "$CTD_SHIM_DIR" 2>/dev/null || true
	fi
	[ -e "$CTD_DIR/.had-run-containerd" ] || rmdir /run/containerd 2>/dev/null || true
	if [ -d /run/containerd ] && [ ! -e "$CTD_DIR/.had-run-containerd" ]; then
		__ctd_report "/run/containerd is left behind: $(find /run/containerd | tr '\n' ' ')"
	fi

	if [ -n "$__ctd_failed" ] && [ -f "$CTD_DIR/containerd.log" ]; then
		echo "--- containerd.log (last 40 lines)" >&2
		tail -n 40 "$CTD_DIR/containerd.log" >&2
	fi
	rm -rf --one-file-system "$CTD_DIR" || __ctd_report "cannot remove $CTD_DIR"
	[ -z "$__ctd_failed" ]
}

# Pids of containerd-shim processes started for our socket.
__ctd_shim_pids() {
	local p cmd
	for p in /proc/[0-9]*; do
		cmd=$(tr "\0" " " 2>/dev/null <"$p/cmdline") || continue
		case $cmd in
		*containerd-shim*"$CTD_SOCK"*) echo "${p#/proc/}" ;;
		esac
	done
}

# ---- per test --------------------------------------------------------------

ctd_setup() {
	[ -n "${CTD_DIR:-}" ] || fail "ctd_setup_file did not run" || return
	# shellcheck disable=SC2034 # used by the tests
	CT=c$BATS_TEST_NUMBER
	cd "$CTD_DIR" || return
}

# ctd_teardown: removes the test's containers (any in the namespace), then
# fails when tong left state or cgroups behind.
ctd_teardown() {
	[ -n "${CTD_DIR:-}" ] || return 0
	__ctd_failed=
	local id
	for id in $(__ctr containers ls -q 2>/dev/null); do
		__ctd_remove_container "$id"
	done
	__ctd_check_runtime_state
	[ -z "$__ctd_failed" ]
}

# ---- a logging runtime -----------------------------------------------------

# use_logging_runtime: RUNTIME_BIN becomes a wrapper around $TONG that
# appends one line per call to $CALLS ("STATUS<TAB>CWD<TAB>ARGS..." with the
# arguments shell-quoted) and keeps a copy of the --log file after each call
# in $CTD_DIR/calls/log-N.json (the shim removes the bundle, and the log
# in it, when a create fails).  The wrapper runs tong as a child, so fds,
# environment and working directory are what the shim gave.
use_logging_runtime() {
	mkdir -p "$CTD_DIR/bin" "$CTD_DIR/calls"
	CALLS=$CTD_DIR/calls/calls.log
	: >"$CALLS"
	cat >"$CTD_DIR/bin/tong-logged" <<-EOF2
		#!/bin/bash
		log=
		prev=
		for a in "\$@"; do
		    [ "\$prev" = --log ] && log=\$a
		    prev=\$a
		done
		"$TONG" "\$@"
		rc=\$?
		n=\$(date +%s%N)-\$\$
		[ -z "\$log" ] || [ ! -f "\$log" ] || cp "\$log" "$CTD_DIR/calls/log-\$n.json"
		line=\$(printf '%q ' "\$@")
		printf '%s\t%s\t%s\t%s\n' "\$rc" "\$PWD" "\$n" "\${line% }" >>"$CALLS"
		exit \$rc
	EOF2
	chmod 0755 "$CTD_DIR/bin/tong-logged"
	RUNTIME_BIN=$CTD_DIR/bin/tong-logged
}

# calls_of SUBCOMMAND: the logged calls (whole lines) whose subcommand,
# after the global flags, is SUBCOMMAND.
calls_of() {
	awk -F'\t' -v sub_="$1" '{
		n = split($4, a, " ")
		for (i = 1; i <= n; i++) {
			if (a[i] ~ /^--(root|log|log-format)$/) { i++; continue }
			if (a[i] ~ /^--/) continue
			if (a[i] == sub_) print
			break
		}
	}' "$CALLS"
}
