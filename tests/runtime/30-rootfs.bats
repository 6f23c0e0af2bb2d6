#!/usr/bin/env bats
# The container's filesystem view made by `tong run` (issue 4, "Rootfs"
# and the mount items of "Security"): the default mounts, bind/rbind
# mounts and their flags, propagation, recursive attributes, tmpfs and
# tmpcopyup, rootfsPropagation, root.readonly, --no-pivot, devices,
# maskedPaths, readonlyPaths, sysctl, hostname and domainname, and mount
# destinations or masks that symlinks in the rootfs try to redirect.
#
# runc 1.1.5 is the reference: where a behaviour was in doubt it was
# measured with runc on this machine, and the tests say so.

# shellcheck disable=SC2016 # jq programs and container scripts are single-quoted on purpose
load ../helpers

setup() {
	requires root jq
	setup_bundle
}

teardown() {
	local f
	# Host settings a broken runtime may have changed (sysctl tests).
	if [ -n "${TEST_DIR:-}" ] && [ -f "$TEST_DIR/.restore-sysctl" ]; then
		while read -r f value; do
			echo "$value" >"/proc/sys/$f" 2>/dev/null || true
		done <"$TEST_DIR/.restore-sysctl"
	fi
	# Directories a runtime following a rootfs symlink out would have made.
	if [ -n "${CT_ID:-}" ]; then
		for f in "/etc/$CT_ID-a" "/etc/$CT_ID-b" "/etc/$CT_ID-c"; do
			[ -d "$f" ] && rmdir "$f" 2>/dev/null
		done
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

# mnt MOUNTINFO MOUNTPOINT FIELD: one field of the top-most mount at
# MOUNTPOINT in a mountinfo text.  FIELD: root, opts (per-mount options),
# tags (optional fields: shared:N master:N...), fstype, source, super
# (superblock options).  Fails when nothing is mounted there.
mnt() {
	awk -v mp="$2" -v f="$3" '
		$5 == mp {
			tags = ""
			for (i = 7; i <= NF && $i != "-"; i++) tags = tags (tags == "" ? "" : " ") $i
			v["root"] = $4; v["opts"] = $6; v["tags"] = tags
			v["fstype"] = $(i + 1); v["source"] = $(i + 2); v["super"] = $(i + 3)
			found = 1; out = v[f]
		}
		END { if (!found) exit 1; print out }' <<<"$1"
}

# has_opt LIST OPT: LIST (comma-separated) contains OPT.
has_opt() {
	[[ ",$1," == *",$2,"* ]]
}

# host_sysctl_save KEY: remembers the host's value, restored by teardown.
host_sysctl_save() {
	local f=${1//.//}
	echo "$f $(cat "/proc/sys/$f")" >>"$TEST_DIR/.restore-sysctl"
}

# run_detached ARGS...: `tong run -d` of the probe with ARGS, then CT_PID.
run_detached() {
	set_args /probe "$@"
	tong run -d "$CT_ID"
	[ "$status" -eq 0 ] || fail "run -d failed: $output" || return
	wait_for_state "$CT_ID" running || return
	CT_PID=$(__tong state "$CT_ID" | jq -r .pid)
	[ "$CT_PID" -gt 0 ] || fail "no pid in state"
}

# shared_host_dir NAME: a tmpfs at $TEST_DIR/NAME, made a shared mount on the
# host, with an empty directory new/ in it (teardown unmounts it).
shared_host_dir() {
	mkdir -p "$TEST_DIR/$1"
	mount -t tmpfs -o size=1m tong-test "$TEST_DIR/$1"
	mount --make-shared "$TEST_DIR/$1"
	mkdir "$TEST_DIR/$1/new"
}

# peer_group PATH: N of "shared:N" of the host's mount at PATH.
peer_group() {
	local tags
	tags=$(mnt "$(cat /proc/self/mountinfo)" "$1" tags) || return
	[[ "$tags" =~ shared:([0-9]+) ]] || return
	echo "${BASH_REMATCH[1]}"
}

# ---- default mounts --------------------------------------------------------

@test "rootfs: the default mounts have runc's types, sources and options" {
	requires runc
	set_args /probe mountinfo
	tong_run "$CT_ID"
	[ "$status" -eq 0 ]
	local t=$output mp
	runc run "$CT_ID"
	[ "$status" -eq 0 ]
	local r=$output

	[ "$(mnt "$t" /proc fstype)" = proc ]
	[ "$(mnt "$t" /dev fstype)" = tmpfs ]
	has_opt "$(mnt "$t" /dev opts)" nosuid
	has_opt "$(mnt "$t" /dev super)" mode=755
	[ "$(mnt "$t" /dev/pts fstype)" = devpts ]
	has_opt "$(mnt "$t" /dev/pts opts)" noexec
	has_opt "$(mnt "$t" /dev/pts super)" ptmxmode=666
	has_opt "$(mnt "$t" /dev/pts super)" mode=620
	has_opt "$(mnt "$t" /dev/pts super)" gid=5
	[ "$(mnt "$t" /dev/shm fstype)" = tmpfs ]
	[ "$(mnt "$t" /dev/shm source)" = shm ]
	has_opt "$(mnt "$t" /dev/shm opts)" nodev
	has_opt "$(mnt "$t" /dev/shm super)" size=65536k
	[ "$(mnt "$t" /dev/mqueue fstype)" = mqueue ]
	[ "$(mnt "$t" /sys fstype)" = sysfs ]
	has_opt "$(mnt "$t" /sys opts)" ro
	# The read-only root of the default config.
	has_opt "$(mnt "$t" / opts)" ro
	[ "$(mnt "$t" / root)" = "$BUNDLE/rootfs" ]

	# And exactly what runc mounts there.
	for mp in / /proc /dev /dev/pts /dev/shm /dev/mqueue /sys; do
		for f in root opts fstype source super; do
			[ "$(mnt "$t" "$mp" "$f")" = "$(mnt "$r" "$mp" "$f")" ] ||
				fail "$mp: $f is \"$(mnt "$t" "$mp" "$f")\" with tong, \"$(mnt "$r" "$mp" "$f")\" with runc"
		done
	done
}

@test "rootfs: /sys/fs/cgroup shows the cgroup hierarchies read-only" {
	set_args /probe mountinfo
	tong_run "$CT_ID"
	[ "$status" -eq 0 ]
	local info=$output hierarchies first
	hierarchies=$(awk '{ for (i = 7; $i != "-"; i++) ; if (($(i + 1) == "cgroup" || $(i + 1) == "cgroup2") && ($5 == "/sys/fs/cgroup" || index($5, "/sys/fs/cgroup/") == 1)) print $5 }' <<<"$info")
	[ -n "$hierarchies" ] || fail "no cgroup hierarchy under /sys/fs/cgroup"
	for mp in $hierarchies; do
		has_opt "$(mnt "$info" "$mp" opts)" ro || fail "$mp is not read-only"
	done

	first=$(head -n 1 <<<"$hierarchies")
	set_args /probe write "$first/tong-test-file" x
	tong_run "$CT_ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"Read-only file system"* ]]
}

# ---- bind mounts -----------------------------------------------------------

@test "rootfs: a bind mount of a directory, its source relative to the bundle" {
	mkdir "$BUNDLE/src"
	echo from-the-host >"$BUNDLE/src/marker"
	update_config '.mounts += [{destination: "/mnt/data", type: "bind", source: "src", options: ["bind"]}]'
	set_args /bin/sh -c '/probe cat /mnt/data/marker && /probe write /mnt/data/new from-the-container && /probe mountinfo'
	tong_run "$CT_ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = from-the-host ]
	[ "$(mnt "$output" /mnt/data root)" = "$BUNDLE/src" ]
	# rw: the write went through to the source.
	[ "$(cat "$BUNDLE/src/new")" = from-the-container ]
	# The missing destination was made inside the rootfs.
	[ -d "$BUNDLE/rootfs/mnt/data" ]
}

@test "rootfs: a bind mount of a file onto a missing destination" {
	echo file-content >"$BUNDLE/file.txt"
	update_config '.mounts += [{destination: "/etc/bound.txt", type: "bind", source: "file.txt", options: ["bind"]}]'
	set_args /bin/sh -c '/probe cat /etc/bound.txt && /probe stat /etc/bound.txt'
	tong_run "$CT_ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = file-content ]
	[[ "${lines[1]}" == type=reg* ]]
	# The destination was made as a file, not a directory.
	[ -f "$BUNDLE/rootfs/etc/bound.txt" ]
}

@test "rootfs: a ro bind mount refuses writes" {
	mkdir "$BUNDLE/src"
	echo keep >"$BUNDLE/src/file"
	update_config '.mounts += [{destination: "/mnt/ro", type: "bind", source: "src", options: ["bind", "ro"]}]'
	set_args /probe write /mnt/ro/file changed
	tong_run "$CT_ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"Read-only file system"* ]]
	[ "$(cat "$BUNDLE/src/file")" = keep ]

	set_args /probe mountinfo
	tong_run "$CT_ID"
	[ "$status" -eq 0 ]
	has_opt "$(mnt "$output" /mnt/ro opts)" ro
}

@test "rootfs: nosuid, nodev and noexec of a bind mount are in mountinfo and enforced" {
	mkdir "$BUNDLE/src"
	cp "$BUNDLE/rootfs/probe" "$BUNDLE/src/probe"
	update_config '.mounts += [{destination: "/mnt/x", type: "bind", source: "src", options: ["bind", "nosuid", "nodev", "noexec"]}]'
	set_args /probe mountinfo
	tong_run "$CT_ID"
	[ "$status" -eq 0 ]
	local opts
	opts=$(mnt "$output" /mnt/x opts)
	has_opt "$opts" nosuid
	has_opt "$opts" nodev
	has_opt "$opts" noexec
	run ! has_opt "$opts" ro

	set_args /probe exec /mnt/x/probe echo ran
	tong_run "$CT_ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"Permission denied"* ]]
	[[ "$output" != *ran* ]]
}

@test "rootfs: bind leaves the source's submounts out, rbind brings them" {
	mkdir -p "$BUNDLE/src/sub"
	mount -t tmpfs -o size=1m tong-test "$BUNDLE/src/sub"
	echo inner >"$BUNDLE/src/sub/inner"
	update_config '.mounts += [
		{destination: "/mnt/bind", type: "bind", source: "src", options: ["bind"]},
		{destination: "/mnt/rbind", type: "bind", source: "src", options: ["rbind"]}]'
	set_args /bin/sh -c 'echo bind: $(/probe ls /mnt/bind/sub); echo rbind: $(/probe ls /mnt/rbind/sub)'
	tong_run "$CT_ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "bind:" ]
	[ "${lines[1]}" = "rbind: inner" ]
}

@test "rootfs: propagation of bind mounts: rslave receives, rprivate does not, rshared is shared" {
	shared_host_dir shared
	local group
	group=$(peer_group "$TEST_DIR/shared")
	update_config '.mounts += [
		{destination: "/mnt/slave", type: "bind", source: $s, options: ["rbind", "rslave"]},
		{destination: "/mnt/private", type: "bind", source: $s, options: ["rbind", "rprivate"]},
		{destination: "/mnt/shared", type: "bind", source: $s, options: ["rbind", "rshared"]}]' --arg s "$TEST_DIR/shared"
	run_detached pause
	# A mount the host makes after the container started.
	mount -t tmpfs -o size=1m tong-test-new "$TEST_DIR/shared/new"
	local info
	info=$(cat "/proc/$CT_PID/mountinfo")
	echo "$info"

	[[ " $(mnt "$info" /mnt/slave tags) " == *" master:$group "* ]]
	[ -z "$(mnt "$info" /mnt/private tags)" ]
	[[ "$(mnt "$info" /mnt/shared tags)" == *shared:* ]]
	mnt "$info" /mnt/slave/new fstype
	mnt "$info" /mnt/shared/new fstype
	run ! mnt "$info" /mnt/private/new fstype
}

@test "rootfs: rro makes a bind mount and its submounts read-only, ro only the top" {
	mkdir -p "$BUNDLE/src/sub"
	mount -t tmpfs -o size=1m tong-test "$BUNDLE/src/sub"
	update_config '.mounts += [
		{destination: "/mnt/ro", type: "bind", source: "src", options: ["rbind", "ro"]},
		{destination: "/mnt/rro", type: "bind", source: "src", options: ["rbind", "rro"]}]'
	set_args /bin/sh -c '
		/probe write /mnt/ro/file x; echo "ro top: $?"
		/probe write /mnt/ro/sub/file x; echo "ro sub: $?"
		/probe write /mnt/rro/file x; echo "rro top: $?"
		/probe write /mnt/rro/sub/file x; echo "rro sub: $?"'
	tong_run "$CT_ID"
	[ "$status" -eq 0 ]
	[[ "$output" == *"ro top: 1"* ]]
	[[ "$output" == *"ro sub: 0"* ]]
	[[ "$output" == *"rro top: 1"* ]]
	[[ "$output" == *"rro sub: 1"* ]]

	set_args /probe mountinfo
	tong_run "$CT_ID"
	[ "$status" -eq 0 ]
	has_opt "$(mnt "$output" /mnt/rro opts)" ro
	has_opt "$(mnt "$output" /mnt/rro/sub opts)" ro
	run ! has_opt "$(mnt "$output" /mnt/ro/sub opts)" ro
}

# ---- tmpfs -------------------------------------------------------------------

@test "rootfs: a tmpfs with size, mode and flags" {
	update_config '.mounts += [{destination: "/mnt/t", type: "tmpfs", source: "tmpfs",
		options: ["nosuid", "nodev", "noexec", "size=2m", "mode=0700"]}]'
	set_args /bin/sh -c '/probe stat /mnt/t && /probe mountinfo'
	tong_run "$CT_ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "type=dir mode=0700 uid=0 gid=0 rdev=0:0" ]
	[ "$(mnt "$output" /mnt/t fstype)" = tmpfs ]
	has_opt "$(mnt "$output" /mnt/t super)" size=2048k
	has_opt "$(mnt "$output" /mnt/t super)" mode=700
	has_opt "$(mnt "$output" /mnt/t opts)" noexec
}

@test "rootfs: a read-only tmpfs, also over an existing directory, refuses writes" {
	mkdir "$BUNDLE/rootfs/exist"
	update_config '.mounts += [
		{destination: "/mnt/rot", type: "tmpfs", source: "tmpfs", options: ["ro", "size=1m"]},
		{destination: "/exist", type: "tmpfs", source: "tmpfs", options: ["ro", "size=1m"]}]'
	set_args /bin/sh -c '
		/probe write /mnt/rot/f x; echo "new: $?"
		/probe write /exist/f x; echo "existing: $?"
		/probe mountinfo'
	tong_run "$CT_ID"
	[ "$status" -eq 0 ]
	[[ "$output" == *"new: 1"* ]]
	[[ "$output" == *"existing: 1"* ]]
	[[ "$output" == *"open /exist/f: Read-only file system"* ]]
	has_opt "$(mnt "$output" /mnt/rot opts)" ro
	has_opt "$(mnt "$output" /exist opts)" ro
}

@test "rootfs: a tmpfs over an existing directory takes the directory's mode, as runc" {
	# Measured with runc 1.1.5: without mode=, the tmpfs root gets the mode
	# of the directory it covers (not tmpfs' own 1777), not its owner.
	mkdir "$BUNDLE/rootfs/exist"
	chmod 0750 "$BUNDLE/rootfs/exist"
	chown 1000:1000 "$BUNDLE/rootfs/exist"
	update_config '.mounts += [{destination: "/exist", type: "tmpfs", source: "tmpfs", options: ["size=1m"]}]'
	set_args /probe stat /exist
	tong_run "$CT_ID"
	[ "$status" -eq 0 ]
	[ "$output" = "type=dir mode=0750 uid=0 gid=0 rdev=0:0" ]
}

@test "rootfs: tmpcopyup seeds a tmpfs with what the image had there" {
	mkdir -p "$BUNDLE/rootfs/data/sub"
	echo seed >"$BUNDLE/rootfs/data/sub/file"
	chown 1000:100 "$BUNDLE/rootfs/data/sub/file"
	ln -s sub/file "$BUNDLE/rootfs/data/link"
	chmod 0751 "$BUNDLE/rootfs/data"
	chown 1000:100 "$BUNDLE/rootfs/data"
	update_config '.mounts += [{destination: "/data", type: "tmpfs", source: "tmpfs", options: ["tmpcopyup", "size=1m"]}]'
	set_args /bin/sh -c '
		/probe cat /data/sub/file /data/link
		/probe stat /data/sub/file
		/probe stat /data
		/probe write /data/new x && /probe ls /data
		/probe mountinfo'
	tong_run "$CT_ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = seed ]
	[ "${lines[1]}" = seed ]
	[ "${lines[2]}" = "type=reg mode=0644 uid=1000 gid=100 rdev=0:0" ]
	# runc 1.1.5 gives the tmpfs root the covered directory's mode (not its
	# owner).
	[ "${lines[3]}" = "type=dir mode=0751 uid=0 gid=0 rdev=0:0" ]
	[ "${lines[4]}" = link ]
	[ "${lines[5]}" = new ]
	[ "${lines[6]}" = sub ]
	[ "$(mnt "$output" /data fstype)" = tmpfs ]
	# The write went to the tmpfs, the image is unchanged.
	[ ! -e "$BUNDLE/rootfs/data/new" ]
	[ "$(cat "$BUNDLE/rootfs/data/sub/file")" = seed ]
}

# ---- rootfsPropagation -------------------------------------------------------

@test "rootfs: rootfsPropagation shared lets a mount made in the container reach the host" {
	# Kubernetes' Bidirectional propagation: an rshared bind of a shared host
	# mount, with the rootfs shared too (works with runc 1.1.5).
	shared_host_dir shared
	update_config '.linux.rootfsPropagation = "shared"
		| .mounts += [{destination: "/mnt/shared", type: "bind", source: $s, options: ["rbind", "rshared"]}]' --arg s "$TEST_DIR/shared"
	run_detached pause
	nsenter -t "$CT_PID" -m mount -t tmpfs -o size=1m tong-test-new /mnt/shared/new
	mountpoint -q "$TEST_DIR/shared/new"
}

@test "rootfs: without rootfsPropagation, a mount made in the container stays there" {
	shared_host_dir shared
	update_config '
		.mounts += [{destination: "/mnt/shared", type: "bind", source: $s, options: ["rbind", "rshared"]}]' --arg s "$TEST_DIR/shared"
	run_detached pause
	nsenter -t "$CT_PID" -m mount -t tmpfs -o size=1m tong-test-new /mnt/shared/new
	grep -q tong-test-new "/proc/$CT_PID/mountinfo"
	run ! mountpoint -q "$TEST_DIR/shared/new"
}

@test "rootfs: rootfsPropagation slave passes the host's new mounts in" {
	shared_host_dir shared
	update_config '.linux.rootfsPropagation = "slave"
		| .mounts += [{destination: "/mnt/shared", type: "bind", source: $s, options: ["rbind"]}]' --arg s "$TEST_DIR/shared"
	run_detached pause
	mount -t tmpfs -o size=1m tong-test-new "$TEST_DIR/shared/new"
	grep -q " /mnt/shared/new .* tong-test-new " "/proc/$CT_PID/mountinfo"
}

@test "rootfs: rootfsPropagation private leaves the root mount private" {
	update_config '.linux.rootfsPropagation = "private"'
	set_args /probe mountinfo
	tong_run "$CT_ID"
	[ "$status" -eq 0 ]
	[ "$(mnt "$output" / root)" = "$BUNDLE/rootfs" ]
	[ -z "$(mnt "$output" / tags)" ]
}

@test "rootfs: rootfsPropagation takes runc's rslave, rshared and rprivate (containerd's CRI sets them)" {
	local p
	for p in rslave rshared rprivate; do
		update_config '.linux.rootfsPropagation = $p' --arg p "$p"
		tong_run "$CT_ID"
		[ "$status" -eq 0 ] || fail "rootfsPropagation $p: $output"
		[ "$output" = "hello from tong" ]
	done
}

# ---- root --------------------------------------------------------------------

@test "rootfs: root.readonly makes / read-only (EROFS), false lets writes through" {
	update_config '.root.readonly = true'
	set_args /probe write /written x
	tong_run "$CT_ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"/written: Read-only file system"* ]]
	[ ! -e "$BUNDLE/rootfs/written" ]

	update_config '.root.readonly = false'
	tong_run "$CT_ID"
	[ "$status" -eq 0 ]
	[ "$(cat "$BUNDLE/rootfs/written")" = x ]
}

@test "rootfs: --no-pivot runs in the rootfs, as runc" {
	requires runc
	set_args /bin/sh -c '/probe cat /etc/hostname; /probe ls / | tr "\n" " "; echo; /probe write /x y; /probe mountinfo'
	tong_run --no-pivot "$CT_ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = tong ]
	[[ "${lines[1]}" == "bin dev etc home probe proc root run sbin sys tmp usr var "* ]]
	[[ "$output" == *"/x: Read-only file system"* ]]
	[ "$(mnt "$output" / root)" = "$BUNDLE/rootfs" ]
	local t=$output

	runc run --no-pivot "$CT_ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = tong ]
	[ "$(mnt "$output" / opts)" = "$(mnt "$t" / opts)" ]
	[ "$(mnt "$output" /proc fstype)" = "$(mnt "$t" /proc fstype)" ]
}

@test "rootfs: --no-pivot leaves no full host proc to mount a bare /proc from a new user namespace" {
	requires userns
	# The container's /proc has masks: the kernel refuses a new proc mount
	# unless some proc in the mount namespace is fully visible, and with
	# chroot the host's /proc would be one.
	update_config '.process.capabilities.bounding += ["CAP_SETFCAP"] | .process.capabilities.permitted += ["CAP_SETFCAP"]'
	set_args unshare -mrpf sh -euxc 'mount -t proc none /proc && echo h >/proc/sysrq-trigger'
	tong_run --no-pivot "$CT_ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"mount: permission denied"* ]]
	# The host's own /proc is untouched.
	grep -q ' /proc proc ' /proc/mounts
}

@test "rootfs: a read-only /dev tmpfs is made read-only after the devices and /dev/pts are in it" {
	update_config '.mounts |= map((select(.destination == "/dev") | .options += ["ro"]) // .)'
	set_args /bin/sh -c 'grep "^tmpfs /dev " /proc/mounts; /probe stat /dev/null; ls -d /dev/pts; /probe write /dev/x y || true'
	tong_run "$CT_ID"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "tmpfs /dev tmpfs ro,"* ]]
	[[ "$output" == *"type=chr"*"rdev=1:3"* ]]
	[[ "$output" == *"/dev/pts"* ]]
	[[ "$output" == *"/dev/x: Read-only file system"* ]]
}

# ---- devices -----------------------------------------------------------------

@test "rootfs: the default devices with their numbers, mode 0666 and root owner" {
	# As runc 1.1.5 (00-harness checks /dev/null there), whatever the
	# caller's umask.
	umask 0022
	set_args /bin/sh -c 'for d in null zero full random urandom tty; do echo "$d $(/probe stat /dev/$d)"; done'
	tong_run "$CT_ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "null type=chr mode=0666 uid=0 gid=0 rdev=1:3" ]
	[ "${lines[1]}" = "zero type=chr mode=0666 uid=0 gid=0 rdev=1:5" ]
	[ "${lines[2]}" = "full type=chr mode=0666 uid=0 gid=0 rdev=1:7" ]
	[ "${lines[3]}" = "random type=chr mode=0666 uid=0 gid=0 rdev=1:8" ]
	[ "${lines[4]}" = "urandom type=chr mode=0666 uid=0 gid=0 rdev=1:9" ]
	[ "${lines[5]}" = "tty type=chr mode=0666 uid=0 gid=0 rdev=5:0" ]
}

@test "rootfs: the /dev symlinks fd, stdin, stdout, stderr and ptmx" {
	set_args /bin/sh -c 'for l in fd stdin stdout stderr ptmx; do echo "$l -> $(/probe readlink /dev/$l)"; done'
	tong_run "$CT_ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "fd -> /proc/self/fd" ]
	[ "${lines[1]}" = "stdin -> /proc/self/fd/0" ]
	[ "${lines[2]}" = "stdout -> /proc/self/fd/1" ]
	[ "${lines[3]}" = "stderr -> /proc/self/fd/2" ]
	[ "${lines[4]}" = "ptmx -> pts/ptmx" ]
}

@test "rootfs: linux.devices makes nodes with their type, numbers, fileMode, uid and gid" {
	umask 0022
	# fileMode 0640 = 416, 0666 = 438, 0600 = 384, 0644 = 420
	update_config '.linux.devices = [
		{path: "/dev/mydev", type: "c", major: 1, minor: 5, fileMode: 416, uid: 1000, gid: 100},
		{path: "/dev/sub/dir/open", type: "c", major: 1, minor: 3, fileMode: 438, uid: 0, gid: 0},
		{path: "/dev/loopish", type: "b", major: 7, minor: 0, fileMode: 384, uid: 0, gid: 0},
		{path: "/dev/myfifo", type: "p", fileMode: 420, uid: 0, gid: 0}]'
	set_args /bin/sh -c 'for d in mydev sub/dir/open loopish myfifo; do /probe stat /dev/$d; done'
	tong_run "$CT_ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "type=chr mode=0640 uid=1000 gid=100 rdev=1:5" ]
	[ "${lines[1]}" = "type=chr mode=0666 uid=0 gid=0 rdev=1:3" ]
	[ "${lines[2]}" = "type=blk mode=0600 uid=0 gid=0 rdev=7:0" ]
	[ "${lines[3]}" = "type=fifo mode=0644 uid=0 gid=0 rdev=0:0" ]
}

# ---- maskedPaths, readonlyPaths ------------------------------------------------

@test "rootfs: maskedPaths: a file reads empty, a directory is empty, a missing path is ignored" {
	mkdir "$BUNDLE/rootfs/secretdir"
	echo s >"$BUNDLE/rootfs/secretdir/a"
	echo secret >"$BUNDLE/rootfs/etc/secret"
	update_config '.linux.maskedPaths += ["/etc/secret", "/secretdir", "/no/such/path"]'
	set_args /bin/sh -c '
		echo "file: [$(/probe cat /etc/secret)]"
		echo "dir: [$(/probe ls /secretdir)]"
		/probe write /etc/secret x; echo "write: $?"'
	tong_run "$CT_ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "file: []" ]
	[ "${lines[1]}" = "dir: []" ]
	[ "$(cat "$BUNDLE/rootfs/etc/secret")" = secret ]
	[ -e "$BUNDLE/rootfs/secretdir/a" ]
}

@test "rootfs: the default maskedPaths hide /proc/keys and /proc/timer_list" {
	local p
	for p in /proc/keys /proc/timer_list; do
		[ -e "$p" ] || continue
		set_args /bin/sh -c "echo \"[\$(/probe cat $p)]\""
		tong_run "$CT_ID"
		[ "$status" -eq 0 ]
		[ "$output" = "[]" ] || fail "$p is not masked: $output"
	done
}

@test "rootfs: readonlyPaths refuse writes, the rest stays writable" {
	update_config '.root.readonly = false | .linux.readonlyPaths += ["/home"]'
	set_args /bin/sh -c '
		/probe write /home/file x; echo "home: $?"
		/probe write /tmp/file x; echo "tmp: $?"
		/probe write /proc/sys/kernel/hostname x; echo "proc/sys: $?"'
	tong_run "$CT_ID"
	[ "$status" -eq 0 ]
	[[ "$output" == *"open /home/file: Read-only file system"* ]]
	[[ "$output" == *"home: 1"* ]]
	[[ "$output" == *"tmp: 0"* ]]
	[[ "$output" == *"open /proc/sys/kernel/hostname: Read-only file system"* ]]
	[[ "$output" == *"proc/sys: 1"* ]]
	[ ! -e "$BUNDLE/rootfs/home/file" ]
	[ -e "$BUNDLE/rootfs/tmp/file" ]
}

# ---- sysctl, hostname, domainname ------------------------------------------------

@test "rootfs: linux.sysctl in the container's own network and ipc namespaces, the host's untouched" {
	local fwd msgmax
	fwd=$(cat /proc/sys/net/ipv4/ip_forward)
	msgmax=$(cat /proc/sys/kernel/msgmax)
	host_sysctl_save net.ipv4.ip_forward
	host_sysctl_save kernel.msgmax
	update_config '.linux.sysctl = {"net.ipv4.ip_forward": $f, "kernel.msgmax": $m}' --arg f "$((1 - fwd))" --arg m "$((msgmax + 1))"
	set_args /probe cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/msgmax
	tong_run "$CT_ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$((1 - fwd))" ]
	[ "${lines[1]}" = "$((msgmax + 1))" ]
	[ "$(cat /proc/sys/net/ipv4/ip_forward)" = "$fwd" ]
	[ "$(cat /proc/sys/kernel/msgmax)" = "$msgmax" ]
}

@test "rootfs: linux.sysctl for a namespace shared with the host is refused, as runc" {
	local msgmax ttl
	msgmax=$(cat /proc/sys/kernel/msgmax)
	ttl=$(cat /proc/sys/net/ipv4/ip_default_ttl)
	host_sysctl_save kernel.msgmax
	host_sysctl_save net.ipv4.ip_default_ttl

	# No ipc namespace: kernel.msg* would be the host's.
	update_config '.linux.sysctl = {"kernel.msgmax": $m}
		| .linux.namespaces |= map(select(.type != "ipc"))' --arg m "$((msgmax + 1))"
	tong_run "$CT_ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *kernel.msgmax* ]]
	[ "$(cat /proc/sys/kernel/msgmax)" = "$msgmax" ]

	# No network namespace: net.* would be the host's.
	update_config '.linux.sysctl = {"net.ipv4.ip_default_ttl": $t}
		| .linux.namespaces = [{type: "pid"}, {type: "ipc"}, {type: "uts"}, {type: "mount"}]' --arg t "$((ttl == 64 ? 65 : 64))"
	tong_run "$CT_ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *net.ipv4.ip_default_ttl* ]]
	[ "$(cat /proc/sys/net/ipv4/ip_default_ttl)" = "$ttl" ]
	no_containers_left
}

@test "rootfs: a net.* sysctl with the host's network namespace joined by path is refused, as runc" {
	local ttl
	ttl=$(cat /proc/sys/net/ipv4/ip_default_ttl)
	host_sysctl_save net.ipv4.ip_default_ttl
	update_config '.linux.sysctl = {"net.ipv4.ip_default_ttl": $t}
		| .linux.namespaces |= map(if .type == "network" then .path = $p else . end)' \
		--arg t "$((ttl == 64 ? 65 : 64))" --arg p "/proc/$$/ns/net"
	tong_run "$CT_ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *net.ipv4.ip_default_ttl* ]]
	[ "$(cat /proc/sys/net/ipv4/ip_default_ttl)" = "$ttl" ]
	no_containers_left
}

@test "rootfs: hostname and domainname" {
	update_config '.hostname = "probe-host" | .domainname = "probe.example"'
	set_args /bin/sh -c '/probe hostname; /probe domainname'
	tong_run "$CT_ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = probe-host ]
	[ "${lines[1]}" = probe.example ]
	[ "$(hostname)" != probe-host ]
}

# ---- symlinks in the rootfs (CVE-2021-30465 and friends) --------------------------

@test "security: mount destinations through rootfs symlinks to /etc land in the rootfs's /etc" {
	ln -s /etc "$BUNDLE/rootfs/evil"
	ln -s ../../../../../../../../../../etc "$BUNDLE/rootfs/evil2"
	mkdir "$BUNDLE/src"
	echo marker >"$BUNDLE/src/marker"
	update_config '.mounts += [
		{destination: $a, type: "bind", source: "src", options: ["bind"]},
		{destination: $b, type: "bind", source: "src", options: ["rbind", "ro"]},
		{destination: $c, type: "tmpfs", source: "tmpfs", options: ["size=1m"]}]' --arg a "/evil/$CT_ID-a" --arg b "/evil2/$CT_ID-b" --arg c "/evil/$CT_ID-c"
	set_args /bin/sh -c "/probe ls /etc/$CT_ID-a; /probe ls /etc/$CT_ID-b; /probe mountinfo"
	tong_run "$CT_ID"
	[ "$status" -eq 0 ]
	# Nothing made on the host.
	[ ! -e "/etc/$CT_ID-a" ]
	[ ! -e "/etc/$CT_ID-b" ]
	[ ! -e "/etc/$CT_ID-c" ]
	# Made in the rootfs, and mounted there.
	[ -d "$BUNDLE/rootfs/etc/$CT_ID-a" ]
	[ -d "$BUNDLE/rootfs/etc/$CT_ID-b" ]
	[ -d "$BUNDLE/rootfs/etc/$CT_ID-c" ]
	[ "${lines[0]}" = marker ]
	[ "${lines[1]}" = marker ]
	[ "$(mnt "$output" "/etc/$CT_ID-a" root)" = "$BUNDLE/src" ]
	[ "$(mnt "$output" "/etc/$CT_ID-c" fstype)" = tmpfs ]
}

@test "security: mount destinations through rootfs symlinks to a host directory land inside the rootfs (CVE-2021-30465)" {
	# The symlinks name a directory that exists on the host only: resolved
	# in the rootfs (as runc's securejoin does), the missing directories are
	# made there.
	local host=$TEST_DIR/hostdir
	mkdir "$host"
	ln -s "$host" "$BUNDLE/rootfs/evil"
	ln -s "../../../../../../../../../..$host" "$BUNDLE/rootfs/evil2"
	mkdir "$BUNDLE/src"
	echo marker >"$BUNDLE/src/marker"
	update_config '.mounts += [
		{destination: "/evil/sub", type: "bind", source: "src", options: ["bind"]},
		{destination: "/evil2/sub2", type: "bind", source: "src", options: ["bind"]},
		{destination: "/evil/t", type: "tmpfs", source: "tmpfs", options: ["size=1m"]}]'
	set_args /bin/sh -c "/probe ls $host/sub; /probe ls $host/sub2; /probe mountinfo"
	tong_run "$CT_ID"
	# Whatever the outcome, the host directory is untouched.
	[ -z "$(ls -A "$host")" ]
	[ "$status" -eq 0 ]
	[ -d "$BUNDLE/rootfs$host/sub" ]
	[ -d "$BUNDLE/rootfs$host/sub2" ]
	[ "${lines[0]}" = marker ]
	[ "${lines[1]}" = marker ]
	[ "$(mnt "$output" "$host/sub" root)" = "$BUNDLE/src" ]
	[ "$(mnt "$output" "$host/t" fstype)" = tmpfs ]
}

@test "security: a mount destination with .. components stays inside the rootfs" {
	mkdir "$BUNDLE/src"
	echo marker >"$BUNDLE/src/marker"
	update_config '.mounts += [{destination: $d, type: "bind", source: "src", options: ["bind"]}]' \
		--arg d "/mnt/../../../../../../../$CT_ID-dotdot"
	set_args /bin/sh -c "/probe ls /$CT_ID-dotdot; /probe mountinfo"
	tong_run "$CT_ID"
	[ ! -e "/$CT_ID-dotdot" ] || {
		rmdir "/$CT_ID-dotdot"
		fail "/$CT_ID-dotdot was made on the host"
	}
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = marker ]
	[ -d "$BUNDLE/rootfs/$CT_ID-dotdot" ]
	[ "$(mnt "$output" "/$CT_ID-dotdot" root)" = "$BUNDLE/src" ]
}

@test "security: proc is never mounted over a symlink (CVE-2019-19921)" {
	rmdir "$BUNDLE/rootfs/proc"
	mkdir "$BUNDLE/rootfs/fakeproc"
	ln -s /fakeproc "$BUNDLE/rootfs/proc"
	tong_run "$CT_ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"/proc"* ]]
	[[ "$output" == *"must be mounted on ordinary directory"* ]]
	[ -z "$(ls -A "$BUNDLE/rootfs/fakeproc")" ]
	no_containers_left
}

@test "security: a maskedPaths entry that is a symlink masks nothing outside the container" {
	echo "host secret" >"$TEST_DIR/hostsecret"
	ln -s "$TEST_DIR/hostsecret" "$BUNDLE/rootfs/etc/masklink"
	ln -s "../../../../../../../..$TEST_DIR/hostsecret" "$BUNDLE/rootfs/etc/masklink-rel"
	ln -s /etc/hostname "$BUNDLE/rootfs/etc/masklink-in"
	update_config '.linux.maskedPaths += ["/etc/masklink", "/etc/masklink-rel", "/etc/masklink-in"]'
	set_args /bin/sh -c 'echo "[$(/probe cat /etc/hostname)]"; /probe mountinfo'
	tong_run "$CT_ID"
	[ "$status" -eq 0 ]
	# The link inside the rootfs masks its target inside the rootfs...
	[ "${lines[0]}" = "[]" ]
	# ...and nothing is mounted at the host path the others name.
	run ! mnt "$output" "$TEST_DIR/hostsecret" fstype
	[ "$(cat "$TEST_DIR/hostsecret")" = "host secret" ]
	[ -L "$BUNDLE/rootfs/etc/masklink" ]
	[ "$(cat "$BUNDLE/rootfs/etc/hostname")" = tong ]
}

@test "security: /dev/null as a symlink in a bind-mounted /dev is not used to mask, the bind source is left alone" {
	# /dev is a bind of a host directory whose "null" is a symlink to a host
	# file (CVE-2025-31133 style).  runc leaves a bind-mounted /dev as it is
	# (no default devices); masking must not bind the symlink's target.
	echo "host secret" >"$TEST_DIR/hostsecret"
	mkdir "$TEST_DIR/devdir"
	ln -s "$TEST_DIR/hostsecret" "$TEST_DIR/devdir/null"
	update_config '
		.mounts |= map(select(.destination | startswith("/dev") | not))
		| .mounts += [{destination: "/dev", type: "bind", source: $d, options: ["rbind"]}]
		| .linux.maskedPaths += ["/etc/hostname"]' --arg d "$TEST_DIR/devdir"
	set_args /bin/sh -c 'echo "[$(/probe cat /etc/hostname)]"'
	tong_run "$CT_ID"
	if [ "$status" -eq 0 ]; then
		[ "$output" = "[]" ]
	else
		[[ "$output" == *"/dev/null"* ]]
	fi
	[[ "$output" != *"host secret"* ]]
	# The host's directory and file are as they were.
	[ "$(cat "$TEST_DIR/hostsecret")" = "host secret" ]
	[ "$(readlink "$TEST_DIR/devdir/null")" = "$TEST_DIR/hostsecret" ]
	[ "$(ls -A "$TEST_DIR/devdir")" = null ]
}
