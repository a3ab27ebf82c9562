/**
 * The Python sampling profiler Redline loads into a Python target as `sitecustomize` (through
 * PYTHONPATH), so the target's code stays untouched. Every thread's stack is read with
 * `sys._current_frames()` at a fixed interval and weighed by the CPU its thread used since the
 * previous sample (`/proc/self/task/<tid>/schedstat`); per tick it also counts how many threads
 * ran, and it reads the machine's idle time and the threads' run-queue waits, which tell the GIL
 * from a saturated machine (python-findings.ts). It records only between "start <n>" and
 * "stop <n>" written to $REDLINE_PY_CONTROL, then writes `python-<pid>-<n>.json` into
 * $REDLINE_PY_OUT. Forked children (gunicorn workers) start their own sampler. The user's own
 * sitecustomize, if any, is imported afterwards.
 */
export const PYTHON_SAMPLER_SOURCE = String.raw`# Redline's Python sampling profiler (see redline/src/profiler/capture/python-sampler-source.ts).
import os
import sys


def _redline_sampler():
    import json
    import re
    import threading
    import time

    control = os.environ.get("REDLINE_PY_CONTROL")
    out_dir = os.environ.get("REDLINE_PY_OUT")
    if not control or not out_dir:
        return
    interval = max(0.001, float(os.environ.get("REDLINE_PY_INTERVAL_MS", "10")) / 1000.0)
    SAMPLING_SWITCH_INTERVAL = float(os.environ.get("REDLINE_PY_SWITCH_INTERVAL_MS", "0.5")) / 1000.0

    def schedstat_fd(native_id):
        try:
            return os.open("/proc/self/task/%d/schedstat" % native_id, os.O_RDONLY)
        except OSError:
            return None

    def schedstat(fd):
        # Time on a CPU (ns), time runnable but waiting for a CPU (ns), timeslices.
        try:
            fields = os.pread(fd, 64, 0).split()
            return int(fields[0]), int(fields[1])
        except (OSError, ValueError, IndexError):
            return None

    def machine_idle_ticks():
        try:
            with open("/proc/stat") as f:
                fields = f.readline().split()
            return int(fields[4]) + int(fields[5])
        except (OSError, ValueError, IndexError):
            return None

    # A thread wants the CPU when it runs or waits on a futex (the GIL, or a lock); blocked in any
    # other system call (send, recv, poll, sleep) it waits for the world, not for the CPU.
    import platform
    futex = {"x86_64": b"202", "amd64": b"202", "aarch64": b"98", "arm64": b"98"}.get(platform.machine().lower())

    def syscall_fd(native_id):
        try:
            fd = os.open("/proc/self/task/%d/syscall" % native_id, os.O_RDONLY)
            os.pread(fd, 16, 0)
            return fd
        except OSError:
            return None

    def wants_cpu(fd):
        try:
            word = os.pread(fd, 16, 0).split(b" ", 1)[0].strip()
        except OSError:
            return None
        return word == b"running" or (futex is not None and word == futex)

    def read_control():
        try:
            with open(control) as f:
                return f.read().split()
        except OSError:
            return None

    def run():
        me = threading.get_ident()
        my_fd = schedstat_fd(threading.get_native_id())
        pid = os.getpid()
        try:
            with open(os.path.join(out_dir, "ready-%d" % pid), "w") as f:
                f.write(str(pid))
        except OSError:
            return
        done = set()
        while True:
            words = read_control()
            if words is None or words[:1] == ["exit"]:
                return
            if len(words) == 2 and words[0] == "start" and words[1] not in done:
                done.add(words[1])
                try:
                    sample_window(words[1], me, my_fd, pid)
                except Exception as error:
                    sys.stderr.write("redline: the Python sampler failed: %r\n" % (error,))
            time.sleep(0.05)

    def sample_window(window, me, my_fd, pid):
        frame_ids = {}
        frames = []
        stacks = {}
        thread_ids = {}
        thread_rows = []
        fds = {}
        sys_fds = {}
        last_cpu = {}
        first_runq = {}
        last_runq = {}
        lags = []
        ran_counts = []
        running_counts = []
        started = time.time()
        t0 = time.perf_counter()
        times0 = os.times()
        idle0 = machine_idle_ticks()
        mine0 = schedstat(my_fd) if my_fd is not None else None
        has_cpu = mine0 is not None
        # Threads alive now count from here; threads started later count from their start.
        if has_cpu:
            for t in threading.enumerate():
                native = getattr(t, "native_id", None)
                if t.ident == me or native is None:
                    continue
                fd = schedstat_fd(native)
                fds[native] = fd
                stat = schedstat(fd) if fd is not None else None
                if stat is not None:
                    last_cpu[native], first_runq[native] = stat
        next_check = t0 + 0.05
        # A sampler thread needs the GIL to read stacks; with CPython's 5 ms switch interval it
        # gets it mostly when a thread releases it for I/O, so CPU-bound lines would be missed
        # (safepoint bias). A short interval while sampling lets it in where code runs.
        switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(min(switch_interval, SAMPLING_SWITCH_INTERVAL))
        while True:
            before = time.perf_counter()
            time.sleep(interval)
            now = time.perf_counter()
            lags.append(now - before - interval)
            if now >= next_check:
                next_check = now + 0.05
                words = read_control()
                if words is None or words[:2] == ["stop", window] or words[:1] == ["exit"]:
                    break
            ran = 0
            running = 0
            alive = set()
            tick_ns = int((now - before) * 1e9)
            by_ident = {t.ident: t for t in threading.enumerate()}
            for ident, frame in sys._current_frames().items():
                if ident == me:
                    continue
                thread = by_ident.get(ident)
                name = thread.name if thread is not None else "thread-%d" % ident
                delta = 0
                native = getattr(thread, "native_id", None) if thread is not None else None
                if native is not None and has_cpu:
                    alive.add(native)
                    fd = fds.get(native)
                    if fd is None and native not in fds:
                        fd = schedstat_fd(native)
                        fds[native] = fd
                    sfd = sys_fds.get(native)
                    if native not in sys_fds:
                        sfd = sys_fds[native] = syscall_fd(native)
                    state = wants_cpu(sfd) if sfd is not None else None
                    stat = schedstat(fd) if fd is not None else None
                    if stat is not None:
                        delta = stat[0] - last_cpu.get(native, 0)
                        last_cpu[native] = stat[0]
                        last_runq[native] = stat[1]
                        if delta > 0:
                            ran += 1
                key = []
                while frame is not None:
                    code = frame.f_code
                    fkey = (code.co_filename, code.co_name, code.co_firstlineno)
                    fid = frame_ids.get(fkey)
                    if fid is None:
                        fid = len(frames)
                        frame_ids[fkey] = fid
                        frames.append([code.co_name, code.co_filename, code.co_firstlineno])
                    key.append(fid)
                    key.append(frame.f_lineno or 0)
                    frame = frame.f_back
                name = re.sub(r"\d+", "*", name)
                tid = thread_ids.get(name)
                if tid is None:
                    tid = len(thread_rows)
                    thread_ids[name] = tid
                    thread_rows.append([name, 0, 0])
                row = thread_rows[tid]
                row[1] += delta
                row[2] += 1
                skey = (tid, tuple(key))
                entry = stacks.get(skey)
                if entry is None:
                    entry = stacks[skey] = [0, 0, 0]
                entry[0] += 1
                # Active: the thread wants the CPU now (see wants_cpu); without /proc syscall,
                # it used CPU since the last tick.
                active = state if state is not None else delta > 0
                if active:
                    entry[1] += 1
                    running += 1
                if delta > 0:
                    entry[2] += min(delta, tick_ns)
            for table in (fds, sys_fds):
                for native in [n for n in table if n not in alive]:
                    if table[native] is not None:
                        os.close(table[native])
                    del table[native]
            ran_counts.append(ran)
            running_counts.append(running)
        sys.setswitchinterval(switch_interval)
        wall = time.perf_counter() - t0
        times1 = os.times()
        idle1 = machine_idle_ticks()
        mine1 = schedstat(my_fd) if my_fd is not None else None
        for fd in list(fds.values()) + list(sys_fds.values()):
            if fd is not None:
                os.close(fd)
        hz = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
        lags.sort()
        multi = [n for n in ran_counts if n >= 2]
        out = {
            "format": "redline-python-sampler",
            "version": 1,
            "pid": pid,
            "python": sys.version.split()[0],
            "interval_ms": interval * 1000,
            "started_ms": started * 1000,
            "duration_ms": wall * 1000,
            "process_cpu_ms": ((times1.user - times0.user) + (times1.system - times0.system)) * 1000,
            "sampler_cpu_ms": (mine1[0] - mine0[0]) / 1e6 if mine0 and mine1 else None,
            "cpu_count": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
            "cpu_source": "schedstat" if has_cpu else "none",
            "machine_idle_cores": ((idle1 - idle0) / hz / wall) if idle0 is not None and idle1 is not None and wall > 0 else None,
            "thread_cpu_ms": sum(r[1] for r in thread_rows) / 1e6,
            "runq_wait_ms": sum(v - first_runq.get(k, 0) for k, v in last_runq.items()) / 1e6,
            "ticks": len(ran_counts),
            "lag_p50_ms": lags[len(lags) // 2] * 1000 if lags else 0,
            "threads_ran_mean": (sum(ran_counts) / len(ran_counts)) if ran_counts else 0,
            "multi_thread_share": (len(multi) / len(ran_counts)) if ran_counts else 0,
            "threads_wanting_cpu_mean": (sum(running_counts) / len(running_counts)) if running_counts else 0,
            "wanting_cpu_multi_share": (len([n for n in running_counts if n >= 2]) / len(running_counts)) if running_counts else 0,
            "frames": frames,
            "threads": [{"name": r[0], "cpu_ms": r[1] / 1e6, "samples": r[2]} for r in thread_rows],
            "stacks": [
                {"thread": tid, "frames": list(key), "samples": v[0], "active": v[1], "cpu_ns": v[2]}
                for (tid, key), v in stacks.items()
            ],
        }
        path = os.path.join(out_dir, "python-%d-%s.json" % (pid, window))
        with open(path + ".tmp", "w") as f:
            json.dump(out, f)
        os.replace(path + ".tmp", path)

    def start():
        threading.Thread(target=run, name="redline-sampler", daemon=True).start()

    start()
    if hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=start)


try:
    _redline_sampler()
except Exception as error:  # never break the target
    sys.stderr.write("redline: the Python sampler did not start: %r\n" % (error,))

# Chain to the user's own sitecustomize, if one exists further down the path.
_redline_here = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _redline_here]
sys.modules.pop("sitecustomize", None)
try:
    import sitecustomize  # noqa: F401
except ImportError:
    pass
`;
