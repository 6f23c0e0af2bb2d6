#!/usr/bin/python3
"""tests/cri/cri-client.py — a small CRI v1 client (Kubernetes' node
interface, package runtime.v1) for the CRI lane, in the manner of crictl.

    cri-client.py [--endpoint unix:///PATH] [--descriptors FILE] COMMAND ...

Commands:
    version                       RuntimeService.Version, as JSON
    runp POD.json                 RunPodSandbox; prints the pod's id
    create POD-ID CTR.json POD.json   CreateContainer; prints the id
    start ID | stop [-t SECS] ID | rm ID
    stopp POD-ID | rmp POD-ID
    exec-sync [-t SECS] ID CMD...  ExecSync: the command's stdout and
                                  stderr on ours, its exit code as ours
    logs ID                       prints the container's CRI log file
                                  (ContainerStatus.log_path)
    stats ID                      ContainerStats, as JSON
    inspectp POD-ID | inspect ID  PodSandboxStatus / ContainerStatus
                                  (verbose), as JSON
    pods | list [--pod POD-ID]    ListPodSandbox / ListContainers, as JSON
    images                        ImageService.ListImages, as JSON
    pull IMAGE                    ImageService.PullImage; prints the image's id

POD.json and CTR.json are a PodSandboxConfig and a ContainerConfig in
protobuf's JSON mapping (field names as in cri.proto), as crictl takes them.

The messages come from tests/cri/cri.proto, compiled by grpc_tools.protoc
into a descriptor set (--descriptors or $CRI_DESCRIPTORS; when neither is
given, into a temporary directory on each call).  Environment: CRI_ENDPOINT
(default unix:///run/containerd/containerd.sock), CRI_TIMEOUT (seconds per
call, default 60).  A failed call prints the gRPC status on stderr and
exits 1; usage errors exit 2.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, json_format

try:
    from google.protobuf.message_factory import GetMessageClass
except ImportError:  # protobuf < 4.22
    from google.protobuf import message_factory

    _factory = message_factory.MessageFactory()

    def GetMessageClass(desc):
        return _factory.GetPrototype(desc)


HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE = "runtime.v1"


def compile_proto(out):
    cmd = [sys.executable, "-m", "grpc_tools.protoc", "-I", HERE,
           "--include_imports", "--descriptor_set_out=" + out,
           os.path.join(HERE, "cri.proto")]
    subprocess.run(cmd, check=True)


def load_descriptors(path):
    fds = descriptor_pb2.FileDescriptorSet()
    with open(path, "rb") as f:
        fds.ParseFromString(f.read())
    pool = descriptor_pool.DescriptorPool()
    for fd in fds.file:
        pool.Add(fd)
    return pool


class Client:
    def __init__(self, endpoint, pool, timeout):
        self.channel = grpc.insecure_channel(endpoint)
        self.pool = pool
        self.timeout = timeout

    def msg(self, name):
        return GetMessageClass(self.pool.FindMessageTypeByName(PACKAGE + "." + name))

    def call(self, service, method, **fields):
        sdesc = self.pool.FindServiceByName(PACKAGE + "." + service)
        mdesc = sdesc.FindMethodByName(method)
        req_cls = GetMessageClass(mdesc.input_type)
        resp_cls = GetMessageClass(mdesc.output_type)
        req = req_cls(**fields)
        stub = self.channel.unary_unary(
            "/%s.%s/%s" % (PACKAGE, service, method),
            request_serializer=req_cls.SerializeToString,
            response_deserializer=resp_cls.FromString)
        try:
            return stub(req, timeout=self.timeout)
        except grpc.RpcError as e:
            sys.stderr.write("cri-client: %s: %s: %s\n" % (method, e.code().name, e.details()))
            sys.exit(1)

    def rt(self, method, **fields):
        return self.call("RuntimeService", method, **fields)

    def from_json_file(self, name, path):
        with open(path) as f:
            return json_format.Parse(f.read(), self.msg(name)())


def dump(message):
    print(json_format.MessageToJson(message, preserving_proto_field_name=True,
                                    including_default_value_fields=True,
                                    indent=2, sort_keys=True))


def main():
    p = argparse.ArgumentParser(prog="cri-client.py", description=__doc__.split("\n")[0])
    p.add_argument("--endpoint", default=os.environ.get("CRI_ENDPOINT", "unix:///run/containerd/containerd.sock"))
    p.add_argument("--descriptors", default=os.environ.get("CRI_DESCRIPTORS"))
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("version")
    s = sub.add_parser("runp"); s.add_argument("pod_config")
    s = sub.add_parser("create"); s.add_argument("pod"); s.add_argument("ctr_config"); s.add_argument("pod_config")
    for name in ("start", "rm", "stopp", "rmp", "logs", "stats", "inspectp", "inspect"):
        s = sub.add_parser(name); s.add_argument("id")
    s = sub.add_parser("stop"); s.add_argument("-t", "--timeout", type=int, default=10); s.add_argument("id")
    s = sub.add_parser("exec-sync"); s.add_argument("-t", "--timeout", type=int, default=0)
    s.add_argument("id"); s.add_argument("command", nargs=argparse.REMAINDER)
    sub.add_parser("pods")
    s = sub.add_parser("list"); s.add_argument("--pod", default="")
    sub.add_parser("images")
    s = sub.add_parser("pull"); s.add_argument("image")
    a = p.parse_args()

    timeout = float(os.environ.get("CRI_TIMEOUT", "60"))
    if a.descriptors:
        pool = load_descriptors(a.descriptors)
    else:
        with tempfile.TemporaryDirectory(prefix="cri-client.") as d:
            compile_proto(os.path.join(d, "cri.pb"))
            pool = load_descriptors(os.path.join(d, "cri.pb"))
    c = Client(a.endpoint, pool, timeout)

    if a.cmd == "version":
        dump(c.rt("Version", version="v1"))
    elif a.cmd == "runp":
        cfg = c.from_json_file("PodSandboxConfig", a.pod_config)
        print(c.rt("RunPodSandbox", config=cfg).pod_sandbox_id)
    elif a.cmd == "create":
        ctr = c.from_json_file("ContainerConfig", a.ctr_config)
        pod = c.from_json_file("PodSandboxConfig", a.pod_config)
        print(c.rt("CreateContainer", pod_sandbox_id=a.pod, config=ctr, sandbox_config=pod).container_id)
    elif a.cmd == "start":
        c.rt("StartContainer", container_id=a.id)
    elif a.cmd == "stop":
        c.rt("StopContainer", container_id=a.id, timeout=a.timeout)
    elif a.cmd == "rm":
        c.rt("RemoveContainer", container_id=a.id)
    elif a.cmd == "stopp":
        c.rt("StopPodSandbox", pod_sandbox_id=a.id)
    elif a.cmd == "rmp":
        c.rt("RemovePodSandbox", pod_sandbox_id=a.id)
    elif a.cmd == "exec-sync":
        cmd = a.command[1:] if a.command[:1] == ["--"] else a.command
        if not cmd:
            p.error("exec-sync: no command")
        r = c.rt("ExecSync", container_id=a.id, cmd=cmd, timeout=a.timeout)
        sys.stdout.buffer.write(r.stdout)
        sys.stderr.buffer.write(r.stderr)
        sys.stdout.flush()
        sys.exit(r.exit_code)
    elif a.cmd == "logs":
        path = c.rt("ContainerStatus", container_id=a.id).status.log_path
        if not path:
            sys.stderr.write("cri-client: container %s has no log path\n" % a.id)
            sys.exit(1)
        with open(path, "rb") as f:
            sys.stdout.buffer.write(f.read())
    elif a.cmd == "stats":
        dump(c.rt("ContainerStats", container_id=a.id).stats)
    elif a.cmd == "inspectp":
        r = c.rt("PodSandboxStatus", pod_sandbox_id=a.id, verbose=True)
        dump(r)
    elif a.cmd == "inspect":
        dump(c.rt("ContainerStatus", container_id=a.id, verbose=True))
    elif a.cmd == "pods":
        dump(c.rt("ListPodSandbox"))
    elif a.cmd == "list":
        flt = c.msg("ContainerFilter")(pod_sandbox_id=a.pod)
        dump(c.rt("ListContainers", filter=flt))
    elif a.cmd == "images":
        dump(c.call("ImageService", "ListImages"))
    elif a.cmd == "pull":
        spec = c.msg("ImageSpec")(image=a.image)
        print(c.call("ImageService", "PullImage", image=spec).image_ref)


if __name__ == "__main__":
    main()
