#!/usr/bin/python3
"""seccomp-agent.py SOCKET LOG ERRNO: a seccomp notify agent for the tests.

Listens on the unix socket SOCKET (linux.seccomp.listenerPath), receives
the notify fd a runtime sends with SCM_RIGHTS, and answers every
notification with -ERRNO.  LOG gets the message that came with the fd
(the container state JSON) on its first line, then one line per
notification: the syscall number.  Exits when the notify fd reports that
no process of the filter is left, or after one hour.
"""
import array
import fcntl
import os
import select
import socket
import struct
import sys

# linux/seccomp.h: _IOWR('!', 0, struct seccomp_notif) and
# _IOWR('!', 1, struct seccomp_notif_resp)
NOTIF_SIZE = 80  # u64 id, u32 pid, u32 flags, seccomp_data (64 bytes)
RESP_SIZE = 24   # u64 id, s64 val, s32 error, u32 flags
IOCTL_RECV = 0xC0000000 | (NOTIF_SIZE << 16) | (ord("!") << 8) | 0
IOCTL_SEND = 0xC0000000 | (RESP_SIZE << 16) | (ord("!") << 8) | 1


def receive_fd(conn):
    fds = array.array("i")
    msg, anc, _flags, _addr = conn.recvmsg(65536, socket.CMSG_SPACE(fds.itemsize))
    for level, kind, data in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(data[: len(data) - (len(data) % fds.itemsize)])
    if not fds:
        sys.exit("seccomp-agent: no fd received")
    return fds[0], msg


def main():
    path, log_path, errno_value = sys.argv[1], sys.argv[2], int(sys.argv[3])
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(1)
    server.settimeout(3600)
    conn, _ = server.accept()
    notify_fd, state = receive_fd(conn)
    with open(log_path, "w", buffering=1) as log:
        log.write(state.decode(errors="replace").replace("\n", " ") + "\n")
        poller = select.poll()
        poller.register(notify_fd, select.POLLIN)
        while True:
            events = poller.poll(3600 * 1000)
            if not events or events[0][1] & (select.POLLHUP | select.POLLERR):
                break
            buf = bytearray(NOTIF_SIZE)
            try:
                fcntl.ioctl(notify_fd, IOCTL_RECV, buf, True)
            except OSError:
                continue  # the process went away meanwhile
            notif_id, _pid, _flags, nr = struct.unpack_from("=QIIi", buf)
            log.write("%d\n" % nr)
            resp = bytearray(struct.pack("=QqiI", notif_id, 0, -errno_value, 0))
            try:
                fcntl.ioctl(notify_fd, IOCTL_SEND, resp, True)
            except OSError:
                pass
    os.close(notify_fd)


if __name__ == "__main__":
    main()
