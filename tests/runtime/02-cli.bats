#!/usr/bin/env bats
# The command line around the commands: help, version, --debug and --log
# (runc's layout and formats, which runc's own integration suite and
# scripts rely on).

load ../helpers

setup() {
	requires root jq busybox
	setup_bundle
}

teardown() {
	teardown_bundle
}

state_of() {
	__tong state "$1" | jq -r "$2"
}

@test "help: -h and --help show NAME and the commands; help COMMAND and COMMAND -h show its usage" {
	local opt cmd
	for opt in -h --help help; do
		tong "$opt"
		[ "$status" -eq 0 ]
		[ "${lines[0]}" = "NAME:" ]
		[[ "${lines[1]}" == *"tong - Open Container Initiative runtime"* ]]
		[[ "$output" == *"COMMANDS:"* ]]
		[[ "$output" == *"GLOBAL OPTIONS:"* ]]
	done
	for cmd in checkpoint create delete events exec features kill list pause ps restore resume run spec start state update; do
		tong "$cmd" -h
		[ "$status" -eq 0 ]
		[[ "${lines[1]}" == *"tong $cmd - "* ]]
		[[ "$output" == *"USAGE:"* ]]
	done
	tong delete --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"--force, -f"* ]]
	tong help exec
	[ "$status" -eq 0 ]
	[[ "$output" == *"--ignore-paused"* ]]
}

@test "help: an unknown command's help is an error" {
	tong foo -h
	[ "$status" -ne 0 ]
	[[ "$output" == *"No help topic for 'foo'"* ]]
	tong help foo
	[ "$status" -ne 0 ]
	[[ "$output" == *"No help topic for 'foo'"* ]]
	tong foo
	[ "$status" -ne 0 ]
	[[ "$output" == *'unknown command \"foo\"'* ]]
}

@test "version: name, version, commit and spec lines; the name is the one tong runs under" {
	tong -v
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^tong\ version\ [0-9]+\.[0-9]+\.[0-9]+ ]]
	[[ "${lines[1]}" == commit:* ]]
	[[ "${lines[2]}" =~ ^spec:\ 1\.[0-9]+\.[0-9]+ ]]
	# Installed as runc (a drop-in), it answers as runc.
	ln -s "$TONG" "$TEST_DIR/runc"
	run "$TEST_DIR/runc" --version
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^runc\ version\ [0-9]+\.[0-9]+\.[0-9]+ ]]
	run "$TEST_DIR/runc" list -h
	[[ "${lines[1]}" == *"runc list - "* ]]
}

@test "checkpoint and restore: refused plainly (no CRIU support), the container untouched" {
	set_args /probe pause
	tong run -d "$CT_ID"
	[ "$status" -eq 0 ]
	wait_for_state "$CT_ID" running
	tong checkpoint "$CT_ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"checkpoint"*"CRIU"* ]]
	tong restore "$CT_ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"restore"*"CRIU"* ]]
	[ "$(state_of "$CT_ID" .status)" = running ]
}

@test "--debug: debug lines on stderr, from the runtime and from the container's init" {
	set_args /probe echo hello
	tong --debug run "$CT_ID"
	[ "$status" -eq 0 ]
	[[ "$output" == *hello* ]]
	[[ "$output" == *'level=debug msg="'* ]]
	# the parent's clone and the init's own lines (written after pivot_root)
	[[ "$output" == *"nsexec container setup"* ]]
	[[ "$output" == *"child process in init()"* ]]
	[[ "$output" == *"init: closing the pipe to signal completion"* ]]
	# without --debug, none
	tong run "${CT_ID}b"
	[ "$status" -eq 0 ]
	[[ "$output" != *level=debug* ]]
}

@test "--debug --log FILE: debug lines go to the file (text and json), not to stderr" {
	set_args /probe echo hello
	local fmt
	for fmt in text json; do
		rm -f "$TEST_DIR/log.out"
		tong --log "$TEST_DIR/log.out" --log-format "$fmt" --debug run "$CT_ID-$fmt"
		[ "$status" -eq 0 ]
		[[ "$output" == *hello* ]]
		[[ "$output" != *debug* ]]
		[ -f "$TEST_DIR/log.out" ]
		grep -q "child process in init()" "$TEST_DIR/log.out"
		grep -q "init: closing the pipe to signal completion" "$TEST_DIR/log.out"
		if [ "$fmt" = json ]; then
			# every line is one JSON object with runc's keys
			jq -e -s 'length >= 3 and all(.[]; .level == "debug" and (.msg | type == "string") and (.time | type == "string"))' \
				"$TEST_DIR/log.out"
		else
			run grep -c '^time="[^"]*" level=debug msg="' "$TEST_DIR/log.out"
			[ "$output" -ge 3 ]
		fi
	done
}

@test "--log: the file is made even when nothing is logged; an unwritable log is an error" {
	tong --log "$TEST_DIR/quiet.log" list
	[ "$status" -eq 0 ]
	[ -f "$TEST_DIR/quiet.log" ]
	[ ! -s "$TEST_DIR/quiet.log" ]
	tong --log "$TEST_DIR/no/such/dir/x.log" list
	[ "$status" -ne 0 ]
	[[ "$output" == *"log file"*"no/such/dir"* ]]
}
