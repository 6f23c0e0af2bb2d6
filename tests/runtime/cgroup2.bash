# shellcheck shell=bash
# Helpers of the cgroup v2 tests (21-cgroup2.bats, 21-cgroup2-ops.bats),
# loaded after ../helpers.

# cgroup2_setup: skips unless this is a pure cgroup v2 host with the
# memory, pids and cpu controllers, then setup_bundle.
cgroup2_setup() {
	requires root jq cgroups_v2
	[ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] ||
		skip "not a cgroup v2-only host (/sys/fs/cgroup is $(stat -f -c %T /sys/fs/cgroup))"
	setup_bundle
}

# has_ctrl CTRL...: skips unless the root cgroup offers every CTRL.
has_ctrl() {
	local c
	for c in "$@"; do
		grep -qw "$c" /sys/fs/cgroup/cgroup.controllers || skip "no $c controller in cgroup v2"
	done
}

# cgdir PID: PID's cgroup directory.
cgdir() {
	local p
	p=$(awk -F: '$1 == "0" { print $3 }' "/proc/$1/cgroup")
	[ -n "$p" ] || fail "no cgroup v2 line in /proc/$1/cgroup"
	echo "/sys/fs/cgroup${p%/}"
}

# create_waiting [ARG...]: `tong create` of a container whose init runs
# ARGs once started (default: the probe pauses); CT_PID its init, CG its
# cgroup directory.
create_waiting() {
	if [ $# -gt 0 ]; then
		set_args "$@"
	else
		set_args /probe pause
	fi
	tong create "$CT_ID"
	[ "$status" -eq 0 ] || fail "create failed: $output"
	CT_PID=$(__tong state "$CT_ID" | jq -r .pid)
	[ "$CT_PID" -gt 0 ]
	CG=$(cgdir "$CT_PID")
}

# create_running [ARG...]: create_waiting, then start.
create_running() {
	create_waiting "$@"
	tong start "$CT_ID"
	[ "$status" -eq 0 ] || fail "start failed: $output"
	wait_for_state "$CT_ID" running
}

# path_is GOT WANT: GOT is WANT (a path).
path_is() {
	[ "$1" = "$2" ] || fail "got $1, want $2"
}

# is FILE WANT: FILE's content is exactly WANT.
is() {
	local got
	got=$(cat "$1") || return
	[ "$got" = "$2" ] || fail "$1 is \"$got\", want \"$2\""
}

# key FILE KEY: the value of "KEY VALUE" in a flat-keyed file.
key() {
	awk -v k="$2" '$1 == k { print $2; found = 1 } END { exit !found }' "$1"
}

nproc_in() {
	awk 'NF' "$1/cgroup.procs" | wc -l
}

# Conditions for retry (evaluated at each try).
nproc_is() {
	local n
	n=$(nproc_in "$CG")
	[ "$n" -eq "$1" ] || {
		echo "$n processes in $CG, not $1: $(tr '\n' ' ' <"$CG/cgroup.procs")"
		return 1
	}
}
key_ge() { [ "$(key "$CG/$1" "$2")" -ge "$3" ]; }
key_is() { [ "$(key "$CG/$1" "$2")" = "$3" ]; }
