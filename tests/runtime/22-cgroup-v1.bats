#!/usr/bin/env bats
# cgroup v1 details runc users rely on (issue 5): cpusets of parent cgroups
# made by others, device rules as runc reads them.

load ../helpers

setup() {
	requires root jq busybox cgroups_v1
	setup_bundle
	set_args /probe pause
}

teardown() {
	teardown_bundle
}

@test "cgroups v1: a parent cgroup with an empty cpuset (made for the cpu controller only) is filled, the container joins" {
	local cpuset
	cpuset=$(mountpoint_of cpuset) || skip "no v1 cpuset hierarchy"
	local pod=tong-pod-${CT_ID##*-}
	# The pod cgroup exists already, with nothing in cpuset.cpus/mems.
	mkdir "$cpuset/$pod"
	track_cgroup "$cpuset/$pod"
	[ -z "$(tr -d '\n' <"$cpuset/$pod/cpuset.cpus")" ]
	update_config '.linux.cgroupsPath = $p' --arg p "/$pod/$CT_ID"
	tong run -d "$CT_ID"
	[ "$status" -eq 0 ]
	wait_for_state "$CT_ID" running
	local pid line ctrl path mnt
	pid=$(__tong state "$CT_ID" | jq -r .pid)
	# tong made the pod level in the other hierarchies too; delete removes
	# only the container's own level (as runc): the test removes the rest.
	while IFS=: read -r _ ctrl path; do
		ctrl=${ctrl%%,*}
		mnt=$(mountpoint_of "${ctrl:-unified}") || continue
		[ "$mnt$path" = "$mnt${path%/"$CT_ID"}/$CT_ID" ] && track_cgroup "$mnt${path%/"$CT_ID"}"
	done <"/proc/$pid/cgroup"
	[ "$(cgroup_of cpuset "$pid")" = "/$pod/$CT_ID" ]
	[ "$(cat "$cpuset/$pod/cpuset.cpus")" = "$(cat "$cpuset/cpuset.cpus")" ]
	[ "$(cat "$cpuset/$pod/$CT_ID/cpuset.mems")" = "$(cat "$cpuset/cpuset.mems")" ]
	tong delete --force "$CT_ID"
	[ "$status" -eq 0 ]
	# Only what tong made is gone.
	[ ! -d "$cpuset/$pod/$CT_ID" ]
	[ -d "$cpuset/$pod" ]
}

@test "cgroups v1: device access letters other than r, w, m are ignored as runc ignores them; none of r, w, m is refused" {
	mountpoint_of devices >/dev/null || skip "no v1 devices hierarchy"
	# /dev/kmsg (not among the default devices); opening it write-only
	# writes nothing to the kernel log.
	update_config '.linux.devices = [{"path": "/dev/kmsg", "type": "c", "major": 1, "minor": 11}]
		| .linux.resources.devices += [{"allow": true, "type": "c", "major": 1, "minor": 11, "access": "rw"}]'
	set_args /bin/sh -c '(: >/dev/kmsg) 2>/dev/null && echo writable || echo denied'
	tong run "$CT_ID-a"
	[ "$status" -eq 0 ]
	[[ "$output" == *writable* ]]

	update_config '.linux.resources.devices += [{"allow": false, "type": "c", "major": 1, "minor": 11, "access": "rwa"}]'
	tong run "$CT_ID-b"
	[ "$status" -eq 0 ]
	[[ "$output" == *denied* ]]

	update_config '.linux.resources.devices[-1].access = "xyz"'
	tong run "$CT_ID-c"
	[ "$status" -ne 0 ]
	[[ "$output" == *"linux.resources.devices"*access* ]]
}

@test "cgroups: a container sharing a populated cgroup is created with a warning (runc)" {
	update_config '.linux.cgroupsPath = $p' --arg p "/tong-shared-${CT_ID##*-}"
	tong run -d "$CT_ID-1"
	[ "$status" -eq 0 ]
	[[ "$output" != *"not empty"* ]]
	wait_for_state "$CT_ID-1" running
	tong run -d "$CT_ID-2"
	[ "$status" -eq 0 ]
	[[ "$output" == *"level=warning"*"container's cgroup is not empty"* ]]
	wait_for_state "$CT_ID-2" running
}

@test "cgroups: a pre-existing frozen cgroup is refused at once instead of freezing create (runc)" {
	local freezer
	freezer=$(mountpoint_of freezer) || skip "no v1 freezer hierarchy"
	local dir=$freezer/tong-frozen-${CT_ID##*-}
	mkdir "$dir"
	track_cgroup "$dir"
	echo FROZEN >"$dir/freezer.state"
	update_config '.linux.cgroupsPath = $p' --arg p "/${dir##*/}"
	run bounded "$TONG" --root "$TONG_TEST_ROOT" create "$CT_ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"container's cgroup unexpectedly frozen"* ]]
	no_containers_left
	# not ours: left where it was, still frozen
	[ -d "$dir" ]
	grep -q FROZEN "$dir/freezer.state"
	echo THAWED >"$dir/freezer.state"
}

@test "cgroups v1: in a cgroup namespace the hierarchies are mounted at the container's cgroup, not the host's root" {
	requires cgroupns
	mountpoint_of memory >/dev/null || skip "no v1 memory hierarchy"
	local foreign
	# a cgroup next to the container's, which it must not see
	foreign=$(mountpoint_of memory)/tong-foreign-${CT_ID##*-}
	mkdir "$foreign"
	track_cgroup "$foreign"
	update_config '.linux.namespaces += [{type: "cgroup"}]
		| .mounts |= map((select(.type == "cgroup") | .options -= ["ro"]) // .)'
	set_args /bin/sh -c 'ls /sys/fs/cgroup/memory; mkdir /sys/fs/cgroup/memory/sub && echo made; rmdir /sys/fs/cgroup/memory/sub'
	tong run "$CT_ID"
	[ "$status" -eq 0 ]
	[[ "$output" == *made* ]]
	[[ "$output" != *tong-foreign* ]]
	[[ "$output" == *memory.limit_in_bytes* ]]
}
