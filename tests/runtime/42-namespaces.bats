#!/usr/bin/env bats
# linux.namespaces as `tong run` makes or joins them (issue 4,
# "Create/start"): every type, joining by path (a named network namespace,
# another container's), user namespaces with id mappings, time namespaces
# with offsets, cgroup namespaces, and the configs that must be refused.
# runc 1.1.5 is the reference (it has no time namespaces: those tests
# follow the runtime-spec).

# shellcheck disable=SC2016 # jq programs and container scripts are single-quoted on purpose
load ../helpers

setup() {
	requires root jq
	setup_bundle
}

teardown() {
	if [ -n "${TEST_DIR:-}" ] && [ -f "$TEST_DIR/.netns" ]; then
		netns_cleanup
	fi
	# The second container of a test: teardown_bundle deletes it, and then
	# removes the cgroups its delete might have left.
	if [ -n "${CT_ID:-}" ]; then
		local cg
		while IFS= read -r cg; do
			track_cgroup "$cg"
		done < <(find /sys/fs/cgroup -maxdepth 6 -type d -name "$CT_ID-first" 2>/dev/null)
	fi
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

# host_ns TYPE: the test process's namespace link (/proc/self/ns names).
host_ns() {
	readlink "/proc/$$/ns/$1"
}

# run_detached ID: `tong run -d ID` of the bundle, then CT_PID (its init).
run_detached() {
	tong run -d "$1"
	[ "$status" -eq 0 ] || fail "run -d $1 failed: $output" || return
	wait_for_state "$1" running || return
	CT_PID=$(__tong state "$1" | jq -r .pid)
	[ "$CT_PID" -gt 0 ] || fail "no pid in the state of $1"
}

# netns_add: `ip netns add $CT_ID`, undone by teardown (with /run/netns
# itself when ip made it for us and nothing else is in it).
netns_add() {
	local made_dir=0 made_mount=0
	[ -d /run/netns ] || made_dir=1
	mountpoint -q /run/netns 2>/dev/null || made_mount=1
	echo "$made_dir $made_mount" >"$TEST_DIR/.netns"
	ip netns add "$CT_ID"
}

netns_cleanup() {
	local made_dir made_mount
	read -r made_dir made_mount <"$TEST_DIR/.netns"
	if [ -e "/run/netns/$CT_ID" ]; then
		ip netns delete "$CT_ID" || echo "teardown: ip netns delete $CT_ID failed" >&2
	fi
	# Only when empty: another user's namespaces would be mounted in it.
	if [ "$made_mount" = 1 ] && [ -z "$(ls -A /run/netns 2>/dev/null)" ]; then
		umount /run/netns 2>/dev/null || true
	fi
	if [ "$made_dir" = 1 ] && [ -z "$(ls -A /run/netns 2>/dev/null)" ]; then
		rmdir /run/netns 2>/dev/null || true
	fi
	rm -f "$TEST_DIR/.netns"
}

# ---- new namespaces --------------------------------------------------------

@test "namespaces: each type in the config is new, the rest are the host's" {
	update_config '.linux.namespaces = [{type: "pid"}, {type: "network"}, {type: "ipc"},
		{type: "uts"}, {type: "mount"}, {type: "cgroup"}]'
	set_args /bin/sh -c '/probe ns; echo pid; exec /probe pid'
	tong_run "$CT_ID"
	[ "$status" -eq 0 ]
	local t link
	for t in pid:pid net:net ipc:ipc uts:uts mnt:mnt cgroup:cgroup; do
		link=$(awk -F= -v n="${t%%:*}" '$1 == n { print $2 }' <<<"$output")
		[[ "$link" == "${t#*:}:["* ]] || fail "no ${t%%:*} namespace in: $output"
		[ "$link" != "$(host_ns "${t%%:*}")" ] || fail "${t%%:*} namespace is the host's"
	done
	for t in user time; do
		link=$(awk -F= -v n="$t" '$1 == n { print $2 }' <<<"$output")
		[ "$link" = "$(host_ns "$t")" ] || fail "$t namespace is not the host's: $link"
	done
	[ "${lines[-1]}" = 1 ]
}

@test "namespaces: a type left out of the config is the host's" {
	update_config '.linux.namespaces = [{type: "pid"}, {type: "mount"}] | del(.hostname)'
	set_args /probe ns
	tong_run "$CT_ID"
	[ "$status" -eq 0 ]
	local t
	for t in net ipc uts cgroup user; do
		[[ "$output" == *"$t=$(host_ns "$t")"* ]] || fail "$t namespace is not the host's"
	done
	[[ "$output" != *"mnt=$(host_ns mnt)"* ]]
}

@test "namespaces: the container's mounts stay in its mount namespace" {
	set_args /probe pause
	run_detached "$CT_ID"
	grep -q " /proc rw" "/proc/$CT_PID/mountinfo"
	run ! grep -qF "$BUNDLE/rootfs" /proc/self/mountinfo
}

# ---- joining by path ---------------------------------------------------------

@test "namespaces: joining a named network namespace by path (ip netns)" {
	netns_add
	local inode
	inode=$(stat -L -c %i "/run/netns/$CT_ID")
	update_config '.linux.namespaces |= map(if .type == "network" then .path = $p else . end)' \
		--arg p "/run/netns/$CT_ID"
	set_args /probe ns net
	tong_run "$CT_ID"
	[ "$status" -eq 0 ]
	[ "$output" = "net:[$inode]" ]

	# What is set there is seen there.
	ip netns exec "$CT_ID" sh -c 'echo 1 >/proc/sys/net/ipv4/ip_forward'
	set_args /probe cat /proc/sys/net/ipv4/ip_forward
	tong_run "$CT_ID"
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]

	# And a net.* sysctl of the config goes there (runc allows it: the
	# namespace is not the host's).
	update_config '.linux.sysctl = {"net.ipv4.ip_forward": "0"}'
	tong_run "$CT_ID"
	[ "$status" -eq 0 ]
	[ "$output" = 0 ]
	[ "$(ip netns exec "$CT_ID" cat /proc/sys/net/ipv4/ip_forward)" = 0 ]
}

@test "namespaces: joining another container's uts and ipc namespaces by /proc path, as runc" {
	requires runc
	update_config '.hostname = "first-one"'
	set_args /probe pause
	run_detached "$CT_ID-first"
	local first=$CT_PID

	update_config 'del(.hostname)
		| .linux.namespaces |= map(if .type == "uts" then .path = $u elif .type == "ipc" then .path = $i else . end)' \
		--arg u "/proc/$first/ns/uts" --arg i "/proc/$first/ns/ipc"
	set_args /bin/sh -c '/probe hostname; /probe ns uts; /probe ns ipc'
	same_as_runc
	[ "${lines[0]}" = first-one ]
	[ "${lines[1]}" = "$(readlink "/proc/$first/ns/uts")" ]
	[ "${lines[2]}" = "$(readlink "/proc/$first/ns/ipc")" ]
}

@test "namespaces: hostname in a uts namespace joined by path is set there, as runc (containerd's CRI does it)" {
	requires runc
	update_config '.hostname = "first-one"'
	set_args /probe pause
	run_detached "$CT_ID-first"
	local first=$CT_PID

	update_config '.hostname = "pod-host"
		| .linux.namespaces |= map(if .type == "uts" then .path = $u else . end)' --arg u "/proc/$first/ns/uts"
	set_args /probe hostname
	same_as_runc
	[ "$output" = pod-host ]
	[ "$(nsenter -t "$first" -u hostname)" = pod-host ]
}

@test "namespaces: joining another container's pid namespace by path, as runc" {
	requires runc
	set_args /probe pause
	run_detached "$CT_ID-first"
	local first=$CT_PID

	update_config '.linux.namespaces |= map(if .type == "pid" then .path = $p else . end)' \
		--arg p "/proc/$first/ns/pid"
	# pid 1 there is the first container's process.  A few times: the
	# runtime forks into the joined namespace, and that fork must not race
	# with the death of its intermediate process.
	set_args /bin/sh -c 'tr "\0" " " </proc/1/cmdline; echo; /probe ns pid; exec /probe pid'
	local i
	for i in 1 2 3 4 5; do
		tong_run "$CT_ID"
		[ "$status" -eq 0 ] || fail "run $i of 5 failed: $output"
		[ "${lines[0]}" = "/probe pause " ]
		[ "${lines[1]}" = "$(readlink "/proc/$first/ns/pid")" ]
		[ "${lines[2]}" -gt 1 ]
	done

	runc run "$CT_ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "/probe pause " ]
	[ "${lines[1]}" = "$(readlink "/proc/$first/ns/pid")" ]
}

@test "namespaces: a namespace path that does not exist is refused, naming it" {
	update_config '.linux.namespaces |= map(if .type == "network" then .path = $p else . end)' \
		--arg p "$TEST_DIR/no-such-netns"
	tong_run "$CT_ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"$TEST_DIR/no-such-netns"* ]]
	no_containers_left
}

# ---- user namespaces ------------------------------------------------------------

# The container's root is an unprivileged host uid: it must be able to reach
# the rootfs through the test's directory (mktemp made it 0700).
userns_reachable() {
	chmod 0755 "$TEST_DIR"
}

@test "namespaces: a user namespace with uidMappings and gidMappings, as runc" {
	requires userns runc
	userns_reachable
	update_config '.linux.namespaces += [{type: "user"}]
		| .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| .linux.gidMappings = [{containerID: 0, hostID: 200000, size: 65536}]'
	set_args /bin/sh -c '/probe id; /probe cat /proc/self/uid_map /proc/self/gid_map; /probe stat /dev/null'
	same_as_runc
	[ "${lines[0]}" = "uid=0 gid=0 groups=" ]
	[ "$(awk '{ $1 = $1; print }' <<<"${lines[1]}")" = "0 100000 65536" ]
	[ "$(awk '{ $1 = $1; print }' <<<"${lines[2]}")" = "0 200000 65536" ]
	# The host's /dev/null, bound in: its owner is unmapped.
	[ "${lines[3]}" = "type=chr mode=0666 uid=65534 gid=65534 rdev=1:3" ]
}

@test "namespaces: bind sources the container's root cannot traverse are mounted in a user namespace (runc)" {
	requires userns
	userns_reachable
	# Directories of mode 0700 owned by host root: the mapped root may not
	# enter them, the runtime (host root) opens them before the switch.
	mkdir -p "$TEST_DIR/closed-1/dir" "$TEST_DIR/closed-2/dir"
	echo one >"$TEST_DIR/closed-1/dir/foo.txt"
	echo two >"$TEST_DIR/closed-2/dir/foo.txt"
	chmod 700 "$TEST_DIR/closed-1" "$TEST_DIR/closed-2"
	mkdir -p "$BUNDLE/rootfs/mnt/one" "$BUNDLE/rootfs/mnt/two"
	update_config '.linux.namespaces += [{type: "user"}]
		| .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| .mounts += [{source: $a, destination: "/mnt/one", options: ["bind"]},
			{source: $b, destination: "/mnt/two", options: ["bind"]}]' \
		--arg a "$TEST_DIR/closed-1/dir" --arg b "$TEST_DIR/closed-2/dir"
	set_args /bin/sh -c 'cat /mnt/one/foo.txt /mnt/two/foo.txt'
	run_logged timeout -s KILL 120 "$TONG" --root "$TONG_TEST_ROOT" run "$CT_ID"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'one\ntwo')" ]
}

@test "namespaces: a user in a user namespace, with additionalGids and linux.devices bound in, as runc" {
	requires userns runc
	userns_reachable
	update_config '.linux.namespaces += [{type: "user"}]
		| .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| .process.user = {uid: 1000, gid: 1000, additionalGids: [100, 5]}
		| .linux.devices = [{path: "/dev/zero", type: "c", major: 1, minor: 5, fileMode: 438}]'
	set_args /bin/sh -c '/probe id; /probe stat /dev/zero; /probe getenv HOME; /probe caps'
	same_as_runc
	[ "${lines[0]}" = "uid=1000 gid=1000 groups=5,100" ]
	# No mknod in a user namespace: the host's node, bound in.
	[ "${lines[1]}" = "type=chr mode=0666 uid=65534 gid=65534 rdev=1:5" ]
	[ "${lines[2]}" = /home/user ]
}

@test "namespaces: in a user namespace the process's ids are the mapped host ids" {
	requires userns
	userns_reachable
	update_config '.linux.namespaces += [{type: "user"}]
		| .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| .process.user = {uid: 1000, gid: 1000}'
	set_args /probe pause
	run_detached "$CT_ID"
	grep -q "^Uid:[[:space:]]*101000[[:space:]]" "/proc/$CT_PID/status"
	grep -q "^Gid:[[:space:]]*101000[[:space:]]" "/proc/$CT_PID/status"
	[ "$(readlink "/proc/$CT_PID/ns/user")" != "$(host_ns user)" ]
}

@test "namespaces: a new user namespace without mappings is refused, as runc" {
	requires runc
	update_config '.linux.namespaces += [{type: "user"}] | del(.linux.uidMappings, .linux.gidMappings)'
	tong_run "$CT_ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *apping* ]]
	no_containers_left
	runc run "$CT_ID"
	[ "$status" -ne 0 ]
}

# ---- time namespaces ---------------------------------------------------------------

@test "namespaces: a time namespace with timeOffsets shifts the boot time" {
	[ -e /proc/self/ns/time ] || skip "kernel without time namespaces"
	local offset=31536000 before after uptime
	update_config '.linux.namespaces += [{type: "time"}]
		| .linux.timeOffsets = {boottime: {secs: ($o | tonumber), nanosecs: 0}, monotonic: {secs: 86400, nanosecs: 0}}' \
		--arg o "$offset"
	set_args /bin/sh -c '/probe cat /proc/uptime; /probe ns time'
	before=$(cut -d. -f1 /proc/uptime)
	tong_run "$CT_ID"
	after=$(cut -d. -f1 /proc/uptime)
	[ "$status" -eq 0 ]
	uptime=$(cut -d. -f1 <<<"${lines[0]}")
	# Bounds, not timing: the container's boot clock is the host's plus the
	# offset, read between the two host readings.
	[ "$uptime" -ge $((before + offset)) ]
	[ "$uptime" -le $((after + offset + 1)) ]
	[ "${lines[1]}" != "$(host_ns time)" ]
}

@test "namespaces: timeOffsets without a new time namespace are refused, naming them" {
	update_config '.linux.timeOffsets = {boottime: {secs: 100, nanosecs: 0}}'
	tong_run "$CT_ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *timeOffsets* ]]
	no_containers_left
}

# ---- cgroup namespaces ---------------------------------------------------------------

# cgroup_views: runs a detached container that saves its /proc/self/cgroup
# in the rootfs, then sets INSIDE (that view) and OUTSIDE (the host's view
# of the same process).
cgroup_views() {
	update_config '.root.readonly = false'
	set_args /bin/sh -c '/probe cat /proc/self/cgroup >/tmp/cgroup.tmp && mv /tmp/cgroup.tmp /tmp/cgroup && exec /probe pause'
	run_detached "$CT_ID"
	retry "$WAIT_TRIES" 0.1 test -s "$BUNDLE/rootfs/tmp/cgroup"
	INSIDE=$(cat "$BUNDLE/rootfs/tmp/cgroup")
	OUTSIDE=$(cat "/proc/$CT_PID/cgroup")
	echo "inside:"$'\n'"$INSIDE"$'\n'"outside:"$'\n'"$OUTSIDE"
}

@test "namespaces: in a cgroup namespace the container's cgroups are its root" {
	requires cgroupns
	update_config '.linux.namespaces += [{type: "cgroup"}]'
	cgroup_views
	[ -n "$INSIDE" ]
	# Every hierarchy, v1 and v2: "/".
	run ! grep -v ':/$' <<<"$INSIDE"
	[ "$(wc -l <<<"$INSIDE")" -eq "$(wc -l <<<"$OUTSIDE")" ]
	[ "$(readlink "/proc/$CT_PID/ns/cgroup")" != "$(host_ns cgroup)" ]
}

@test "namespaces: without a cgroup namespace the container sees the host's cgroup paths" {
	update_config '.linux.namespaces |= map(select(.type != "cgroup"))'
	cgroup_views
	[ "$INSIDE" = "$OUTSIDE" ]
	[ "$(readlink "/proc/$CT_PID/ns/cgroup")" = "$(host_ns cgroup)" ]
}

# ---- refused configs --------------------------------------------------------------------

@test "namespaces: hostname without a uts namespace is refused, as runc" {
	requires runc
	update_config '.hostname = "no-uts" | .linux.namespaces |= map(select(.type != "uts"))'
	tong_run "$CT_ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *hostname* ]]
	no_containers_left
	[ "$(hostname)" != no-uts ]

	runc run "$CT_ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *hostname* ]]
}

@test "namespaces: an unknown namespace type is refused, naming it" {
	update_config '.linux.namespaces += [{type: "flux-capacitor"}]'
	tong_run "$CT_ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *flux-capacitor* ]]
	no_containers_left
}
