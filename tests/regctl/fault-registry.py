#!/usr/bin/python3
"""A small OCI registry that misbehaves on request, for tong-regctl's tests.

It implements enough of the distribution API for pull, push and tags
(blobs with Range, monolithic and chunked uploads, manifests, tags/list
with Link pagination, no referrers API), keeps everything in memory, and
takes orders on POST /control?... (one fault set per call):

  fail=STATUS&times=N[&path=RE]      answer STATUS to the next N matching requests
  throttle=N&retry_after=S[&path=RE] answer 429 with Retry-After: S, N times
  cut=BYTES&times=N[&path=RE]        send BYTES of a blob body, then close the connection
  corrupt=1[&path=RE]                serve blobs with one byte changed
  big_manifest=BYTES                 serve manifests padded to BYTES
  redirect=HOST                      redirect blob GETs to http://HOST/redirected/...
  token_uses=N                       a Bearer token is good for N requests
  expire_tokens=1                    every token issued so far stops working
  delay=SECONDS[&path=RE]            blob GETs and HEADs wait SECONDS before answering
  clear_stats=1                      forget the peaks of concurrent blob GETs and HEADs
  reset=1                            no faults

GET /log returns every request seen as JSON lines (method, path, range,
auth); GET /stats the peak numbers of blob GETs and HEADs served at once
({"max_concurrent_blob_gets": N, "max_concurrent_blob_heads": N}); GET /health answers 200.  With --auth
bearer every /v2/ request needs a token from GET /token (Basic credentials
--user U:P when given), or from POST /token with the OAuth2 refresh-token
grant (--refresh-token TOKEN, the identity token of `docker login`).
"""

import argparse
import base64
import hashlib
import json
import re
import socket
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlsplit

NAME = r"[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*"


class State:
    def __init__(self, args):
        self.lock = threading.Lock()
        self.args = args
        self.blobs = {}         # digest -> bytes
        self.manifests = {}     # (repo, digest) -> (media type, bytes)
        self.tags = {}          # (repo, tag) -> digest
        self.uploads = {}       # uuid -> bytearray
        self.active = {"GET": 0, "HEAD": 0}      # blob requests being served
        self.max_active = {"GET": 0, "HEAD": 0}
        self.tokens = {}        # token -> remaining uses (None: unlimited)
        self.token_count = 0
        self.log = []
        self.reset()

    def reset(self):
        self.faults = []        # dicts: kind, times, path, ...
        self.corrupt = None
        self.big_manifest = 0
        self.redirect = None
        self.token_uses = None
        self.delay = None       # (seconds, path RE)

    def take(self, kind, path):
        """The first fault of this kind matching path, consumed once."""
        for f in self.faults:
            if f["kind"] == kind and f["times"] > 0 and re.search(f["path"], path):
                f["times"] -= 1
                return f
        return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fault-registry/1"

    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (self.address_string(), fmt % args))

    # ---- plumbing ----

    @property
    def st(self):
        return self.server.state

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def send(self, status, body=b"", headers=None, content_type=None):
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Docker-Distribution-Api-Version", "registry/2.0")
        self.end_headers()
        if self.command != "HEAD" and body:
            self.wfile.write(body)

    def error(self, status, code, message, headers=None):
        body = json.dumps({"errors": [{"code": code, "message": message}]}).encode()
        self.send(status, body, headers, "application/json")

    def record(self):
        with self.st.lock:
            self.st.log.append({
                "method": self.command,
                "path": self.path,
                "range": self.headers.get("Range"),
                "auth": self.headers.get("Authorization"),
                "host": self.headers.get("Host"),
            })

    # ---- auth ----

    def challenge(self, scope):
        port = self.server.server_address[1]
        realm = "http://127.0.0.1:%d/token" % port
        h = 'Bearer realm="%s",service="fault-registry"' % realm
        if scope:
            h += ',scope="%s"' % scope
        return h

    def authorized(self, repo, push):
        if self.st.args.auth != "bearer":
            return True
        scope = "repository:%s:%s" % (repo, "pull,push" if push else "pull") if repo else ""
        value = self.headers.get("Authorization", "")
        if value.startswith("Bearer "):
            tok = value[7:]
            with self.st.lock:
                info = self.st.tokens.get(tok)
                ok = info is not None and (info["uses"] is None or info["uses"] > 0)
                if ok and repo:
                    need = {"pull", "push"} if push else {"pull"}
                    ok = need <= info["scopes"].get(repo, set())
                if ok and info["uses"] is not None:
                    info["uses"] -= 1
            if ok:
                return True
        self.body()
        self.error(401, "UNAUTHORIZED", "authentication required",
                   {"WWW-Authenticate": self.challenge(scope)})
        return False

    def token(self, query):
        if self.command == "POST":
            # OAuth2: grant_type=refresh_token&refresh_token=...&scope=...
            form = parse_qs(self.body().decode())
            grant = form.get("grant_type", [""])[0]
            refresh = form.get("refresh_token", [""])[0]
            if grant != "refresh_token" or not self.st.args.refresh_token or refresh != self.st.args.refresh_token:
                return self.error(401, "UNAUTHORIZED", "invalid refresh token")
            query = {"scope": " ".join(form.get("scope", [])).split()}
            return self.issue(query, "access_token")
        user = self.st.args.user
        if user:
            value = self.headers.get("Authorization", "")
            if not value.startswith("Basic ") or base64.b64decode(value[6:]).decode() != user:
                self.error(401, "UNAUTHORIZED", "bad credentials",
                           {"WWW-Authenticate": 'Basic realm="fault-registry"'})
                return
        return self.issue(query, "token")

    def issue(self, query, field):
        scopes = {}
        for s in query.get("scope", []):
            parts = s.split(":")
            if len(parts) == 3 and parts[0] == "repository":
                scopes.setdefault(parts[1], set()).update(parts[2].split(","))
        with self.st.lock:
            self.st.token_count += 1
            tok = "tok-%d-%s" % (self.st.token_count, uuid.uuid4().hex[:8])
            self.st.tokens[tok] = {"uses": self.st.token_uses, "scopes": scopes}
        self.send(200, json.dumps({field: tok, "expires_in": 300}).encode(), content_type="application/json")

    # ---- faults ----

    def injected(self, path):
        """Answers a fail or throttle fault; True when it did."""
        with self.st.lock:
            f = self.st.take("fail", path)
            t = None if f else self.st.take("throttle", path)
        if f:
            self.body()
            self.error(f["status"], "INJECTED", "injected failure")
            return True
        if t:
            self.body()
            self.error(429, "TOOMANYREQUESTS", "slow down", {"Retry-After": t["retry_after"]})
            return True
        return False

    def control(self, query):
        q = {k: v[0] for k, v in query.items()}
        path = q.get("path", ".")
        with self.st.lock:
            if "reset" in q:
                self.st.reset()
            if "fail" in q:
                self.st.faults.append({"kind": "fail", "status": int(q["fail"]),
                                       "times": int(q.get("times", 1)), "path": path})
            if "throttle" in q:
                self.st.faults.append({"kind": "throttle", "times": int(q["throttle"]),
                                       "retry_after": q.get("retry_after", "1"), "path": path})
            if "cut" in q:
                self.st.faults.append({"kind": "cut", "bytes": int(q["cut"]),
                                       "times": int(q.get("times", 1)), "path": path})
            if "corrupt" in q:
                self.st.corrupt = path
            if "big_manifest" in q:
                self.st.big_manifest = int(q["big_manifest"])
            if "redirect" in q:
                self.st.redirect = q["redirect"]
            if "token_uses" in q:
                self.st.token_uses = int(q["token_uses"])
            if "expire_tokens" in q:
                self.st.tokens.clear()
            if "delay" in q:
                self.st.delay = (float(q["delay"]), path)
            if "clear_stats" in q:
                self.st.max_active = {"GET": 0, "HEAD": 0}
        self.send(200, b"ok\n")

    # ---- API ----

    def route(self):
        url = urlsplit(self.path)
        path, query = url.path, parse_qs(url.query)
        if path == "/health":
            return self.send(200, b"ok\n")
        if path == "/control" and self.command == "POST":
            return self.control(query)
        if path == "/stats":
            with self.st.lock:
                text = json.dumps({"max_concurrent_blob_gets": self.st.max_active["GET"],
                                   "max_concurrent_blob_heads": self.st.max_active["HEAD"]})
            return self.send(200, text.encode(), content_type="application/json")
        if path == "/log":
            with self.st.lock:
                text = "".join(json.dumps(e) + "\n" for e in self.st.log)
            return self.send(200, text.encode(), content_type="application/json")
        self.record()
        if path == "/token":
            return self.token(query)
        if path.startswith("/redirected/"):
            return self.blob(path[len("/redirected/"):], redirected=True)
        if path == "/v2/" or path == "/v2":
            if not self.authorized(None, False):
                return
            return self.send(200, b"{}", content_type="application/json")
        m = re.fullmatch(r"/v2/(%s)/(blobs|manifests|tags)/(.*)" % NAME, path)
        if not m:
            self.body()
            return self.error(404, "NAME_UNKNOWN", "no such endpoint")
        repo, kind, rest = m.groups()
        push = self.command in ("POST", "PUT", "PATCH", "DELETE")
        if not self.authorized(repo, push):
            return
        if self.injected(path):
            return
        if kind == "tags" and rest == "list":
            return self.tag_list(repo, query)
        if kind == "manifests":
            return self.manifest(repo, rest)
        if rest.startswith("uploads/"):
            return self.upload(repo, rest[len("uploads/"):], query)
        return self.blob(rest)

    def blob(self, digest, redirected=False):
        with self.st.lock:
            data = self.st.blobs.get(digest)
            corrupt = self.st.corrupt is not None and re.search(self.st.corrupt, self.path)
            redirect = self.st.redirect
        if self.command not in ("GET", "HEAD"):
            self.body()
            return self.error(405, "UNSUPPORTED", "method not allowed")
        if data is None:
            # Counted and delayed too: a push's HEADs ask after blobs the
            # registry does not have.
            return self.serve_blob_counted(None, digest)
        if redirect and not redirected and self.command == "GET":
            return self.send(307, b"", {"Location": "http://%s/redirected/%s" % (redirect, digest)})
        if corrupt and data:
            data = bytes([data[0] ^ 0xFF]) + data[1:]
        return self.serve_blob_counted(data, digest)

    def serve_blob_counted(self, data, digest):
        method = self.command
        with self.st.lock:
            self.st.active[method] += 1
            self.st.max_active[method] = max(self.st.max_active[method], self.st.active[method])
            delay = self.st.delay
        try:
            if delay and re.search(delay[1], self.path):
                time.sleep(delay[0])
            return self.serve_blob(data, digest)
        finally:
            with self.st.lock:
                self.st.active[method] -= 1

    def serve_blob(self, data, digest):
        if data is None:
            return self.error(404, "BLOB_UNKNOWN", "blob unknown")
        start = 0
        rng = self.headers.get("Range")
        headers = {"Docker-Content-Digest": digest, "Accept-Ranges": "bytes"}
        status = 200
        if rng:
            mm = re.fullmatch(r"bytes=(\d+)-", rng)
            if mm and int(mm.group(1)) < len(data):
                start = int(mm.group(1))
                status = 206
                headers["Content-Range"] = "bytes %d-%d/%d" % (start, len(data) - 1, len(data))
        body = data[start:]
        with self.st.lock:
            cut = self.st.take("cut", self.path) if self.command == "GET" else None
        if cut:
            # The whole length announced, a part sent, the connection cut.
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[:cut["bytes"]])
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        self.send(status, body, headers, "application/octet-stream")

    def upload(self, repo, rest, query):
        port = self.server.server_address[1]
        if rest == "" and self.command == "POST":
            self.body()
            mount = query.get("mount", [None])[0]
            with self.st.lock:
                if mount and mount in self.st.blobs:
                    return self.send(201, b"", {"Location": "/v2/%s/blobs/%s" % (repo, mount)})
                uid = uuid.uuid4().hex
                self.st.uploads[uid] = bytearray()
            return self.send(202, b"", {"Location": "/v2/%s/blobs/uploads/%s" % (repo, uid),
                                        "Range": "0-0"})
        uid = rest
        with self.st.lock:
            buf = self.st.uploads.get(uid)
        if buf is None:
            self.body()
            return self.error(404, "BLOB_UPLOAD_UNKNOWN", "upload unknown")
        data = self.body()
        if self.command == "PATCH":
            cr = self.headers.get("Content-Range")
            if cr:
                mm = re.fullmatch(r"(\d+)-(\d+)", cr)
                if not mm or int(mm.group(1)) != len(buf):
                    return self.error(416, "BLOB_UPLOAD_INVALID", "chunk out of order")
            buf.extend(data)
            return self.send(202, b"", {"Location": "/v2/%s/blobs/uploads/%s" % (repo, uid),
                                        "Range": "0-%d" % (len(buf) - 1)})
        if self.command == "PUT":
            buf.extend(data)
            digest = query.get("digest", [""])[0]
            got = "sha256:" + hashlib.sha256(buf).hexdigest()
            if digest != got:
                return self.error(400, "DIGEST_INVALID", "digest mismatch: %s" % got)
            with self.st.lock:
                self.st.blobs[digest] = bytes(buf)
                del self.st.uploads[uid]
            return self.send(201, b"", {"Location": "/v2/%s/blobs/%s" % (repo, digest),
                                        "Docker-Content-Digest": digest})
        if self.command == "GET":
            return self.send(204, b"", {"Location": "/v2/%s/blobs/uploads/%s" % (repo, uid),
                                        "Range": "0-%d" % (max(len(buf), 1) - 1)})
        if self.command == "DELETE":
            with self.st.lock:
                self.st.uploads.pop(uid, None)
            return self.send(204)
        return self.error(405, "UNSUPPORTED", "method not allowed")

    def manifest(self, repo, ref):
        if self.command == "PUT":
            data = self.body()
            digest = "sha256:" + hashlib.sha256(data).hexdigest()
            mt = self.headers.get("Content-Type", "application/vnd.oci.image.manifest.v1+json")
            with self.st.lock:
                self.st.manifests[(repo, digest)] = (mt, data)
                if not ref.startswith("sha256:"):
                    self.st.tags[(repo, ref)] = digest
            return self.send(201, b"", {"Location": "/v2/%s/manifests/%s" % (repo, digest),
                                        "Docker-Content-Digest": digest})
        if self.command == "DELETE":
            with self.st.lock:
                if ref.startswith("sha256:"):
                    found = self.st.manifests.pop((repo, ref), None)
                    for k in [k for k, v in self.st.tags.items() if k[0] == repo and v == ref]:
                        del self.st.tags[k]
                else:
                    found = self.st.tags.pop((repo, ref), None)
            if not found:
                return self.error(404, "MANIFEST_UNKNOWN", "manifest unknown")
            return self.send(202)
        with self.st.lock:
            digest = ref if ref.startswith("sha256:") else self.st.tags.get((repo, ref))
            entry = self.st.manifests.get((repo, digest)) if digest else None
            big = self.st.big_manifest
        if not entry:
            return self.error(404, "MANIFEST_UNKNOWN", "manifest unknown")
        mt, data = entry
        if big:
            # A valid document, padded far beyond any sane manifest.
            doc = json.loads(data)
            doc.setdefault("annotations", {})["padding"] = "x" * big
            data = json.dumps(doc).encode()
            digest = "sha256:" + hashlib.sha256(data).hexdigest()
        self.send(200, data, {"Docker-Content-Digest": digest}, mt)

    def tag_list(self, repo, query):
        with self.st.lock:
            tags = sorted(t for (r, t) in self.st.tags if r == repo)
        if not tags:
            return self.error(404, "NAME_UNKNOWN", "repository unknown")
        last = query.get("last", [None])[0]
        if last:
            tags = [t for t in tags if t > last]
        headers = {}
        n = query.get("n", [None])[0]
        if n is not None:
            n = int(n)
            if len(tags) > n:
                tags = tags[:n]
                headers["Link"] = '</v2/%s/tags/list?last=%s&n=%d>; rel="next"' % (repo, quote(tags[-1]), n)
        body = json.dumps({"name": repo, "tags": tags}).encode()
        self.send(200, body, headers, "application/json")

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = route


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--dir", required=True)
    p.add_argument("--auth", choices=["none", "bearer"], default="none")
    p.add_argument("--user", help="U:P required by the token endpoint")
    p.add_argument("--refresh-token", help="the refresh token POST /token accepts")
    args = p.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    server.state = State(args)
    with open("%s/pid" % args.dir, "w") as f:
        f.write("ok\n")
    server.serve_forever()


if __name__ == "__main__":
    main()
