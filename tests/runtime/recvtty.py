#!/usr/bin/python3
"""recvtty.py SOCKET OUTPUT: the receiving end of --console-socket.

Listens on the unix socket SOCKET, takes one connection, receives the pty
master sent with SCM_RIGHTS (runc's protocol), writes everything read from
the master to OUTPUT (until the other side of the pty is closed) and exits
0.  The name that came with the descriptor goes to OUTPUT.name.  Exits 1
when no descriptor arrives.
"""
import os
import socket
import sys


def main():
    path, output = sys.argv[1], sys.argv[2]
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(1)
    conn, _ = srv.accept()
    msg, fds, _, _ = socket.recv_fds(conn, 4096, 1)
    conn.close()
    srv.close()
    if not fds:
        print("recvtty: no file descriptor received", file=sys.stderr)
        return 1
    with open(output + ".name", "wb") as f:
        f.write(msg)
    master = fds[0]
    with open(output, "wb") as out:
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:  # EIO: the last slave fd was closed
                break
            if not data:
                break
            out.write(data)
            out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
