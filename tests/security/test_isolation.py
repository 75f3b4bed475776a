"""Attack tests for the confinement layers (grader/sandbox/layers/) and grader.sandbox.isolation.

Every attack runs in a child interpreter (``sys.executable -c``) that first
applies the restriction under test - scratch tmp dir read-write,
``python_read_paths()`` read-only - then tries the attack and prints a JSON
outcome; the parent (never restricted) asserts on it. Control tests run the
same attacks without restrictions and expect them to succeed, so a no-op
sandbox makes this file fail.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # the project is not necessarily pip-installed
    sys.path.insert(0, str(ROOT))

from grader.sandbox import isolation as iso  # noqa: E402
from grader.sandbox.layers import landlock, process_group, seccomp  # noqa: E402

ABI = landlock.landlock_abi()
needs_landlock = pytest.mark.skipif(ABI < 1, reason=f"kernel has no usable Landlock (ABI {ABI})")
needs_landlock_net = pytest.mark.skipif(ABI < 4, reason=f"Landlock TCP rules need ABI >= 4, kernel has {ABI}")
needs_landlock_scope = pytest.mark.skipif(ABI < 6, reason=f"Landlock signal scoping needs ABI >= 6, kernel has {ABI}")
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux-only isolation")

# Prepended to every child script. `attempt` turns an attack into an outcome
# string: "ok", "PermissionError", "MemoryError" or an errno name.
PRELUDE = f"""
import errno, json, os, signal, socket, sys
sys.path.insert(0, {str(ROOT)!r})
from grader.sandbox import isolation as iso
from grader.sandbox.layers.capabilities import drop_capabilities
from grader.sandbox.layers.landlock import restrict_filesystem_and_network
from grader.sandbox.layers.namespaces import isolate_network
from grader.sandbox.layers.process_group import new_process_group
from grader.sandbox.layers.rlimits import apply_rlimits
from grader.sandbox.layers.scratch import limit_scratch
from grader.sandbox.layers.seccomp import block_unix_sockets, restrict_syscalls
ARGS = json.loads(sys.argv[1])
SCRATCH = ARGS["scratch"]

def attempt(fn):
    try:
        fn()
    except PermissionError:
        return "PermissionError"
    except MemoryError:
        return "MemoryError"
    except OSError as exc:
        return errno.errorcode.get(exc.errno, repr(exc))
    return "ok"

def read(path):
    with open(path, "rb") as fh:
        return fh.read()

def write(path, data=b"pwned"):
    with open(path, "wb") as fh:
        fh.write(data)

def report(**outcome):
    print(json.dumps(outcome))
"""

# Applies the Landlock sandbox exactly as the worker will.
RESTRICT = """
PROTECTIONS = restrict_filesystem_and_network(
    iso.python_read_paths(), [SCRATCH, *ARGS.get("extra_rw", [])]
)
ACTIVE = {p.name: p.active for p in PROTECTIONS}
"""


def run_child(body: str, scratch: Path, *, restrict: bool = True, **args: Any) -> dict[str, Any]:
    """Run PRELUDE (+ RESTRICT) + body in a fresh interpreter; return its JSON report."""
    code = PRELUDE + (RESTRICT if restrict else "") + textwrap.dedent(body)
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("PYTHONPATH", None)
    proc = subprocess.run(
        [sys.executable, "-c", code, json.dumps({"scratch": str(scratch), **args})],
        cwd=scratch,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, f"child failed ({proc.returncode}):\n{proc.stderr}"
    return cast(dict[str, Any], json.loads(proc.stdout.strip().splitlines()[-1]))


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    """The sandbox's read-write dir."""
    path = tmp_path / "scratch"
    path.mkdir()
    return path


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A tmp dir next to the scratch dir, holding a secret the sandbox must not see."""
    path = tmp_path / "outside"
    path.mkdir()
    (path / "secret.txt").write_text("hidden test answers\n")
    return path


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A TCP socket listening on 127.0.0.1, opened by the (unrestricted) parent."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(4)
    sock.setblocking(False)
    try:
        yield sock
    finally:
        sock.close()


def _accepted_any(sock: socket.socket) -> bool:
    """Return True if a connection is waiting on the listener."""
    try:
        conn, _ = sock.accept()
    except BlockingIOError:
        return False
    conn.close()
    return True


# -- filesystem ---------------------------------------------------------------


@linux_only
@needs_landlock
def test_reading_outside_tmp_file_is_denied(scratch: Path, outside: Path) -> None:
    out = run_child(
        """
        report(
            active=ACTIVE["landlock-filesystem"],
            read=attempt(lambda: read(ARGS["secret"])),
            listdir=attempt(lambda: os.listdir(ARGS["dir"])),
        )
        """,
        scratch,
        secret=str(outside / "secret.txt"),
        dir=str(outside),
    )
    assert out == {"active": True, "read": "PermissionError", "listdir": "PermissionError"}


@linux_only
@needs_landlock
def test_reading_repository_and_solutions_by_absolute_path_is_denied(scratch: Path, tmp_path: Path) -> None:
    if any(ROOT == Path(p) or Path(p) in ROOT.parents for p in iso.python_read_paths()):
        pytest.skip(f"repository {ROOT} lies inside the Python read paths")
    solutions = tmp_path / "solutions" / "week2"
    solutions.mkdir(parents=True)
    (solutions / "answers.py").write_text("ANSWER = 42\n")
    out = run_child(
        """
        report(
            repo=attempt(lambda: read(ARGS["repo_file"])),
            solution=attempt(lambda: read(ARGS["solution"])),
            exec_solution=attempt(lambda: exec(compile(read(ARGS["solution"]), "x", "exec"), {})),
        )
        """,
        scratch,
        repo_file=str(ROOT / "pyproject.toml"),
        solution=str(solutions / "answers.py"),
    )
    assert out == {"repo": "PermissionError", "solution": "PermissionError", "exec_solution": "PermissionError"}


@linux_only
@needs_landlock
def test_writing_outside_scratch_is_denied(scratch: Path, outside: Path) -> None:
    out = run_child(
        """
        d = ARGS["dir"]
        report(
            create=attempt(lambda: write(os.path.join(d, "new.txt"))),
            overwrite=attempt(lambda: write(os.path.join(d, "secret.txt"))),
            delete=attempt(lambda: os.unlink(os.path.join(d, "secret.txt"))),
            mkdir=attempt(lambda: os.mkdir(os.path.join(d, "newdir"))),
            move_out=attempt(lambda: os.rename(os.path.join(d, "secret.txt"), os.path.join(SCRATCH, "s"))),
        )
        """,
        scratch,
        dir=str(outside),
    )
    assert set(out.values()) == {"PermissionError"}, out
    assert sorted(p.name for p in outside.iterdir()) == ["secret.txt"]
    assert (outside / "secret.txt").read_text() == "hidden test answers\n"


@linux_only
@needs_landlock
def test_writing_inside_scratch_works(scratch: Path) -> None:
    out = run_child(
        """
        def work():
            os.makedirs(os.path.join(SCRATCH, "a", "b"))
            write(os.path.join(SCRATCH, "a", "b", "f.txt"), b"hello")
            os.rename(os.path.join(SCRATCH, "a", "b", "f.txt"), os.path.join(SCRATCH, "moved.txt"))
            with open(os.path.join(SCRATCH, "moved.txt"), "r+b") as fh:
                fh.truncate(4)
            write(os.path.join(SCRATCH, "tmp.txt"))
            os.unlink(os.path.join(SCRATCH, "tmp.txt"))
        def devnull():
            with open(os.devnull, "w") as fh:
                fh.write("discarded")
        report(work=attempt(work), devnull=attempt(devnull))
        """,
        scratch,
        extra_rw=[os.devnull],  # writable only because the caller asked for it
    )
    assert out == {"work": "ok", "devnull": "ok"}
    assert (scratch / "moved.txt").read_bytes() == b"hell"
    assert (scratch / "a" / "b").is_dir()


@linux_only
@needs_landlock
def test_numpy_still_works_after_restriction(scratch: Path) -> None:
    pytest.importorskip("numpy")
    out = run_child(
        """
        import numpy as np
        a = np.array([[4.0, 7.0], [2.0, 6.0]])
        ident = a @ np.linalg.inv(a)
        np.save(os.path.join(SCRATCH, "m.npy"), ident)
        report(active=ACTIVE["landlock-filesystem"], close=bool(np.allclose(ident, np.eye(2))))
        """,
        scratch,
    )
    assert out == {"active": True, "close": True}
    assert (scratch / "m.npy").exists()


# -- network ------------------------------------------------------------------


@linux_only
@needs_landlock_net
def test_tcp_connect_to_loopback_is_denied(scratch: Path, listener: socket.socket) -> None:
    out = run_child(
        """
        def connect():
            with socket.create_connection(("127.0.0.1", ARGS["port"]), timeout=2):
                pass
        def bind():
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
        report(active=ACTIVE["landlock-network"], connect=attempt(connect), bind=attempt(bind))
        """,
        scratch,
        port=listener.getsockname()[1],
    )
    assert out == {"active": True, "connect": "PermissionError", "bind": "PermissionError"}
    assert not _accepted_any(listener)


@linux_only
def test_network_namespace_blocks_connect(scratch: Path, listener: socket.socket) -> None:
    out = run_child(
        """
        prot = isolate_network()
        if not prot.active:
            report(skip=prot.detail)
            raise SystemExit(0)
        def connect(host, port):
            with socket.create_connection((host, port), timeout=2):
                pass
        loopback = attempt(lambda: connect("127.0.0.1", ARGS["port"]))
        # Only go for a non-local address once the loopback probe proved we are
        # in another namespace, so a broken sandbox never sends real traffic.
        # 192.0.2.1 is TEST-NET-1 (RFC 5737), not routed anywhere.
        if loopback == "ok":
            report(loopback=loopback)
            raise SystemExit(0)
        def udp():
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.sendto(b"x", ("192.0.2.1", 53))
        report(
            loopback=loopback,
            external=attempt(lambda: connect("192.0.2.1", 80)),
            udp=attempt(udp),
            interfaces=[name for _, name in socket.if_nameindex()],
        )
        """,
        scratch,
        restrict=False,
        port=listener.getsockname()[1],
    )
    if "skip" in out:
        pytest.skip(f"cannot create a network namespace: {out['skip']}")
    assert out == {"loopback": "ENETUNREACH", "external": "ENETUNREACH", "udp": "ENETUNREACH", "interfaces": ["lo"]}
    assert not _accepted_any(listener)


# -- signals ------------------------------------------------------------------


@linux_only
@needs_landlock_scope
def test_signalling_the_parent_is_denied(scratch: Path) -> None:
    received: list[int] = []
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: received.append(signum))
    try:
        out = run_child(
            """
            parent = os.getppid()
            report(
                active=ACTIVE["landlock-scope"],
                probe=attempt(lambda: os.kill(parent, 0)),
                term=attempt(lambda: os.kill(parent, signal.SIGTERM)),
                self_probe=attempt(lambda: os.kill(os.getpid(), 0)),
            )
            """,
            scratch,
        )
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert out == {"active": True, "probe": "PermissionError", "term": "PermissionError", "self_probe": "ok"}
    assert received == []


@linux_only
@pytest.mark.skipif(os.getuid() != 0, reason="only root holds capabilities to drop")
def test_root_without_capabilities_cannot_chown(scratch: Path) -> None:
    body = """
        prot = drop_capabilities() if ARGS["drop"] else None
        path = os.path.join(SCRATCH, "f" + str(ARGS["drop"]))
        write(path)
        report(active=prot and prot.active, chown=attempt(lambda: os.chown(path, 4321, 4321)))
        """
    dropped = run_child(body, scratch, restrict=False, drop=True)
    control = run_child(body, scratch, restrict=False, drop=False)
    assert dropped == {"active": True, "chown": "PermissionError"}  # CAP_CHOWN is gone
    assert control == {"active": None, "chown": "ok"}


# -- resource limits ----------------------------------------------------------


RLIMITS = """
PROT = apply_rlimits(
    memory_bytes=ARGS["memory"], cpu_seconds=10, file_size_bytes=ARGS["fsize"], max_processes=64
)
"""


@linux_only
def test_rlimit_as_turns_4gb_allocation_into_memory_error(scratch: Path) -> None:
    out = run_child(
        RLIMITS
        + textwrap.dedent(
            """
            report(active=PROT.active, alloc=attempt(lambda: bytearray(4 << 30)))
            """
        ),
        scratch,
        restrict=False,
        memory=1 << 30,
        fsize=1 << 20,
    )
    assert out == {"active": True, "alloc": "MemoryError"}


@linux_only
def test_rlimit_fsize_stops_a_big_file(scratch: Path) -> None:
    out = run_child(
        RLIMITS
        + textwrap.dedent(
            """
            report(active=PROT.active, detail=PROT.detail,
                   big=attempt(lambda: write(os.path.join(SCRATCH, "big.bin"), b"x" * (2 << 20))))
            """
        ),
        scratch,
        restrict=False,
        memory=1 << 30,
        fsize=1 << 20,
    )
    assert out["active"] is True
    assert out["big"] == "EFBIG"
    assert (scratch / "big.bin").stat().st_size <= 1 << 20
    if os.getuid() == 0:
        assert "ignored for root" in out["detail"]


@linux_only
def test_the_scratch_tmpfs_caps_all_files_together_and_keeps_what_was_there(scratch: Path) -> None:
    (scratch / "helpers.py").write_text("VALUE = 41\n")
    out = run_child(
        """
        PROT = limit_scratch(SCRATCH, 1 << 20)
        outcome = {"active": PROT.active, "detail": PROT.detail, "cwd": os.getcwd() == SCRATCH}
        outcome["kept"] = read(os.path.join(SCRATCH, "helpers.py")).decode()
        # Three files of 400 KB, each far under any file-size limit: the third does not fit in 1 MB.
        outcome["files"] = [attempt(lambda i=i: write(f"part{i}.bin", b"x" * (400 << 10))) for i in range(3)]
        outcome["inside"] = sorted(os.listdir("."))
        report(**outcome)
        """,
        scratch,
        restrict=False,
    )
    if not out["active"]:
        pytest.skip(f"no mount namespace here: {out['detail']}")
    assert out["cwd"] and out["kept"] == "VALUE = 41\n"
    assert out["files"][:2] == ["ok", "ok"] and out["files"][2] == "ENOSPC"
    assert "part0.bin" in out["inside"]
    # The tmpfs went away with the child: nothing it wrote reached the folder beneath.
    assert sorted(p.name for p in scratch.iterdir()) == ["helpers.py"]


# -- controls: the same attacks succeed without the sandbox ---------------------


@linux_only
def test_attacks_succeed_without_restrictions(scratch: Path, outside: Path, listener: socket.socket) -> None:
    out = run_child(
        """
        def connect():
            with socket.create_connection(("127.0.0.1", ARGS["port"]), timeout=2):
                pass
        report(
            read=attempt(lambda: read(ARGS["secret"])),
            repo=attempt(lambda: read(ARGS["repo_file"])),
            write=attempt(lambda: write(os.path.join(ARGS["dir"], "new.txt"))),
            connect=attempt(connect),
            signal=attempt(lambda: os.kill(os.getppid(), 0)),
            big=attempt(lambda: write(os.path.join(SCRATCH, "big.bin"), b"x" * (2 << 20))),
        )
        """,
        scratch,
        restrict=False,
        secret=str(outside / "secret.txt"),
        repo_file=str(ROOT / "pyproject.toml"),
        dir=str(outside),
        port=listener.getsockname()[1],
    )
    assert set(out.values()) == {"ok"}, out
    assert (outside / "new.txt").read_bytes() == b"pwned"
    time.sleep(0.05)  # let the kernel queue the handshake before we look
    assert _accepted_any(listener)


# -- process group, probe, describe --------------------------------------------


@linux_only
def test_kill_process_group_reaps_the_tree(scratch: Path) -> None:
    code = PRELUDE + textwrap.dedent(
        """
        import time
        new_process_group()
        child = os.fork()
        if child == 0:
            time.sleep(60)
            os._exit(0)
        print(json.dumps({"pgid": os.getpgid(0), "pids": [os.getpid(), child]}), flush=True)
        time.sleep(60)
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, json.dumps({"scratch": str(scratch)})],
        cwd=scratch,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        info = json.loads(proc.stdout.readline())
        assert info["pgid"] == proc.pid
        process_group.kill_process_group(info["pgid"])
        assert proc.wait(timeout=5) == -signal.SIGKILL
        grandchild = info["pids"][1]
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:  # reparented: gone or a zombie once killed
            try:
                state = Path(f"/proc/{grandchild}/stat").read_text().rsplit(")", 1)[1].split()[0]
            except (FileNotFoundError, ProcessLookupError):
                break
            if state in ("Z", "X"):
                break
            time.sleep(0.02)
        else:
            pytest.fail(f"grandchild {grandchild} survived kill_process_group")
        process_group.kill_process_group(info["pgid"])  # already gone: no error
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    with pytest.raises(ValueError):
        process_group.kill_process_group(os.getpgrp())


@linux_only
def test_probe_reports_every_protection_and_leaves_parent_unrestricted(outside: Path) -> None:
    protections = iso.probe()
    assert [p.name for p in protections] == list(iso.PROTECTION_NAMES)
    report = iso.describe(protections)
    assert all(v.startswith(("active: ", "INACTIVE: ")) for v in report.values())
    if ABI >= 1:
        assert report["landlock-filesystem"].startswith(f"active: Landlock ABI {ABI}")
    # The parent is never restricted by the probe.
    assert (outside / "secret.txt").read_text() == "hidden test answers\n"
    os.kill(os.getpid(), 0)


def test_describe_and_python_read_paths() -> None:
    assert iso.describe([iso.Protection("rlimits", True, "x"), iso.Protection("landlock-scope", False, "y")]) == {
        "rlimits": "active: x",
        "landlock-scope": "INACTIVE: y",
    }
    paths = iso.python_read_paths()
    assert len(paths) == len(set(paths))
    assert all(os.path.exists(p) for p in paths) and "/" not in paths
    assert os.path.realpath(sys.base_prefix) in paths
    assert str(ROOT) not in paths


# -- seccomp: what Landlock does not cover ---------------------------------------


@linux_only
@pytest.mark.skipif(os.uname().machine not in ("x86_64", "aarch64"), reason="no syscall table for this machine")
@pytest.mark.parametrize("signals", [True, False])
def test_syscall_filter_blocks_the_machine_and_keeps_the_worker_working(scratch: Path, signals: bool) -> None:
    out = run_child(
        """
        import resource
        import numpy as np
        prot = restrict_syscalls(signals=ARGS["signals"])
        parent = os.getppid()
        mine = os.path.join(SCRATCH, "mine.txt")
        write(mine)
        def limit_self():
            resource.setrlimit(resource.RLIMIT_NOFILE, resource.getrlimit(resource.RLIMIT_NOFILE))
        report(
            active=prot.active,
            kill_self=attempt(lambda: os.kill(os.getpid(), 0)),
            kill_group=attempt(lambda: os.kill(0, 0)),
            kill_parent=attempt(lambda: os.kill(parent, 0)),
            limit_self=attempt(limit_self),
            prlimit_parent=attempt(lambda: resource.prlimit(parent, resource.RLIMIT_CORE)),
            nice_self=attempt(lambda: os.nice(0)),
            priority_parent=attempt(lambda: os.setpriority(os.PRIO_PROCESS, parent, 19)),
            priority_user=attempt(lambda: os.setpriority(os.PRIO_USER, 0, 19)),
            affinity_self=attempt(lambda: os.sched_setaffinity(0, os.sched_getaffinity(0))),
            affinity_parent=attempt(lambda: os.sched_setaffinity(parent, os.sched_getaffinity(0))),
            chmod=attempt(lambda: os.chmod(mine, 0o777)),
            utime=attempt(lambda: os.utime(mine, (0, 0))),
            numpy=bool(np.allclose(np.linalg.inv(np.eye(3) * 2), np.eye(3) / 2)),
        )
        """,
        scratch,
        restrict=False,
        signals=signals,
    )
    denied = "PermissionError"
    assert out == {
        "active": True, "kill_self": "ok", "kill_group": "ok", "kill_parent": denied if signals else "ok",
        "limit_self": "ok", "prlimit_parent": denied, "nice_self": "ok", "priority_parent": denied,
        "priority_user": denied, "affinity_self": "ok", "affinity_parent": denied, "chmod": denied,
        "utime": denied, "numpy": True,
    }


I386_SOCKET = """
import ctypes, mmap
def i386_socket():
    code = bytes.fromhex("53b867010000bb01000000b90100000031d2cd805bc3")  # socket(AF_UNIX, SOCK_STREAM, 0), int 0x80
    buf = mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
    buf.write(code)
    return ctypes.CFUNCTYPE(ctypes.c_int)(ctypes.addressof(ctypes.c_char.from_buffer(buf)))()
"""


@linux_only
@pytest.mark.skipif(os.uname().machine != "x86_64", reason="the i386 ABI exists on x86_64 only")
def test_seccomp_filters_refuse_the_i386_syscall_abi(scratch: Path) -> None:
    """socket(AF_UNIX) by its i386 number (int 0x80 from machine code run with ctypes) went through the
    unix-socket filter, which allowed every foreign ABI: a way to reach a Docker or D-Bus socket."""
    body = I386_SOCKET + """
prot = block_unix_sockets() if ARGS["filter"] else None
report(fd=i386_socket(), native=attempt(lambda: socket.socket(socket.AF_UNIX).close()))
"""
    control = run_child(body, scratch, restrict=False, filter=False)
    if control["fd"] < 0:
        pytest.skip(f"no i386 emulation in this kernel ({control})")
    assert control["native"] == "ok"
    assert run_child(body, scratch, restrict=False, filter=True) == {"fd": -13, "native": "PermissionError"}  # EACCES


def test_the_bpf_assembler_resolves_labels() -> None:
    program = seccomp._assemble([
        ("ld", 0), ("jeq", 5, "yes", None), ("jge", 9, None, "no"), ("label", "yes"), ("ret", 1),
        ("label", "no"), ("ret", 2),
    ])
    assert program == [(0x20, 0, 0, 0), (0x15, 1, 0, 5), (0x35, 0, 1, 9), (0x06, 0, 0, 1), (0x06, 0, 0, 2)]


def test_grade_doctor_verifies_the_confinement_grading_applies() -> None:
    """One confinement sequence (isolation.confine) for the worker and for grade doctor: the doctor
    reports the same layers with the same limits as a grading report, and a change of the grading
    limits shows in the doctor's report."""
    import re

    from grader.grading import grade_submission
    from grader.sandbox.client import GRADER_PACKAGE, Limits

    report = grade_submission(ROOT / "exercises" / "week2", [ROOT / "solutions" / "week2" / "python_basics.py"])
    limits = Limits()
    doctor = {p.name: p.detail for p in iso.probe(iso.Policy(scratch="", read_only=(str(GRADER_PACKAGE),),
                                                             **limits.confinement()))}
    graded = {name: state.split(": ", 1)[1] for name, state in report.protections.items()}
    assert set(graded) - {"pids-cgroup"} <= set(doctor)

    def limits_of(detail: str) -> str:
        return re.sub(r"AS=[^,]*, ", "", detail)  # the memory limit adds each process's own size

    assert limits_of(doctor["rlimits"]) == limits_of(graded["rlimits"])
    def tmpfs_mib(detail: str) -> int:  # the tmpfs also holds the files already in the folder (a few KB)
        return int(float(re.match(r"a ([\d.]+) MiB tmpfs", detail).group(1)))

    assert tmpfs_mib(doctor["scratch-size"]) == tmpfs_mib(graded["scratch-size"]) == limits.scratch_bytes >> 20
    smaller = iso.probe(iso.Policy(scratch="", **{**limits.confinement(), "file_size_bytes": 8 * 2**20,
                                                  "scratch_bytes": 16 * 2**20}))
    details = {p.name: p.detail for p in smaller}
    assert "FSIZE=8 MiB" in details["rlimits"] and "16 MiB tmpfs" in details["scratch-size"]
    assert "verified" in details["scratch-size"]
