"""One `gantry serve` process per test: its config, its API folder, its logs, its signals."""
import itertools
import json
import os
import signal
import socket
import subprocess
import time

import httpx


# Ports handed to a gateway's config are bound only later, by gantry. Taken from the kernel's ephemeral range
# (bind to 0, then release) they race: the kernel may hand the same port out again, to this process, to another
# pytest-xdist worker, or as the source port of any outgoing connection. So each worker hands out ports in
# turn from a block of its own below the ephemeral range, which nothing else on the machine picks.
_PORT_BLOCK_BASE = 20000
_PORT_BLOCK_SIZE = 1500
_PORT_BLOCKS = 8  # 20000 + 8 * 1500 = 32000, below Linux's default ephemeral range (32768-60999)
_next_in_block = itertools.count()


def _worker_block_start():
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")  # "gw<N>" under xdist, absent when serial
    index = int(worker[2:]) if worker[2:].isdigit() else 0
    return _PORT_BLOCK_BASE + (index % _PORT_BLOCKS) * _PORT_BLOCK_SIZE


def free_port():
    """A loopback port nothing listens on now and that no other test worker will be given."""
    start = _worker_block_start()
    for _ in range(_PORT_BLOCK_SIZE):
        port = start + next(_next_in_block) % _PORT_BLOCK_SIZE
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue  # still held by an earlier test's process (or TIME_WAIT): try the next one
            return port
    raise AssertionError(f"no free port left in {start}-{start + _PORT_BLOCK_SIZE - 1}")


def _set(tree, dotted, value):
    keys = dotted.split(".")
    for key in keys[:-1]:
        tree = tree.setdefault(key, {})
    tree[keys[-1]] = value


def to_yaml(tree, indent=0):
    # Scalars are written as JSON, which YAML reads verbatim: no quoting rules to get wrong.
    lines = []
    for key, value in tree.items():
        if isinstance(value, dict):
            lines.append(" " * indent + f"{key}:")
            lines.append(to_yaml(value, indent + 2))
        else:
            lines.append(" " * indent + f"{key}: {json.dumps(value)}")
    return "\n".join(lines)


MANAGEMENT_BASE = "/management/v2/environments/DEFAULT"
MANAGEMENT_PASSWORD = "e2e-password"


class Gateway:
    def __init__(self, binary, work_dir, apis, config, slow_factor):
        self.binary = binary
        self.work_dir = work_dir
        self.slow = slow_factor
        self.apis_dir = os.path.join(work_dir, "apis")
        os.makedirs(self.apis_dir, exist_ok=True)
        for api in apis:
            self.write_api(api)
        self.port = free_port()
        self.management_port = free_port()
        tree = {
            "gateway": {"host": "127.0.0.1", "port": self.port, "threads": 2},
            "management": {"host": "127.0.0.1", "port": self.management_port, "username": "admin",
                           "password": MANAGEMENT_PASSWORD},
            "repository": {"type": "sqlite", "path": os.path.join(work_dir, "gantry.db")},
            "apis": {"dir": self.apis_dir},
            "log": {"level": "info", "format": "json"},
        }
        for dotted, value in (config or {}).items():
            _set(tree, dotted, value)
        self.tls = bool(tree["gateway"].get("tls", {}).get("cert"))
        self.management_password = tree["management"].get("password")
        self.config_path = os.path.join(work_dir, "gantry.yml")
        with open(self.config_path, "w") as f:
            f.write(to_yaml(tree) + "\n")
        self.stdout_path = os.path.join(work_dir, "gantry.stdout")
        self.stderr_path = os.path.join(work_dir, "gantry.stderr")
        self.proc = None
        self.stopped = False

    # -- process -----------------------------------------------------------------------------------------------
    def start(self):
        # GANTRY_* variables of the test run (GANTRY_BIN, GANTRY_SANITIZED) would otherwise read as config keys.
        env = {k: v for k, v in os.environ.items() if not k.startswith("GANTRY_")}
        mode = "ab" if self.proc is not None else "wb"  # a restart keeps the earlier runs' logs
        with open(self.stdout_path, mode) as out, open(self.stderr_path, mode) as err:
            self.proc = subprocess.Popen([self.binary, "serve", "--config", self.config_path],
                                         stdout=out, stderr=err, env=env, cwd=self.work_dir)
        deadline = time.monotonic() + 15 * self.slow
        while True:
            if self.proc.poll() is not None:
                raise AssertionError(f"gantry exited with {self.proc.returncode} during start-up\n{self.log()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                socket.create_connection(("127.0.0.1", self.management_port), timeout=0.5).close()
                return self
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.kill()
                raise AssertionError(f"gantry did not accept connections within {15 * self.slow}s\n{self.log()}")
            time.sleep(0.05)

    @property
    def pid(self):
        return self.proc.pid

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def reload(self):
        self.proc.send_signal(signal.SIGHUP)

    def stop(self, expect_code=0, timeout=None):
        """SIGTERM, wait for the drain, and check the exit code (None: do not check)."""
        self.stopped = True
        if not self.running():
            code = self.proc.returncode
        else:
            self.proc.send_signal(signal.SIGTERM)
            try:
                code = self.proc.wait(timeout or 30 * self.slow)
            except subprocess.TimeoutExpired:
                self.kill()
                raise AssertionError(f"gantry did not exit after SIGTERM\n{self.tail()}")
        if expect_code is not None:
            assert code == expect_code, f"gantry exited with {code}, expected {expect_code}\n{self.tail()}"
        return code

    def restart(self):
        """SIGTERM, then the same process again on the same config, ports and repository."""
        self.stop()
        self.stopped = False
        return self.start()

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def peak_rss_kb(self):
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        raise AssertionError("no VmHWM in /proc status")

    # -- APIs --------------------------------------------------------------------------------------------------
    def api_path(self, api_id):
        return os.path.join(self.apis_dir, f"{api_id}.json")

    def write_api(self, api, file_name=None):
        self.write_file(file_name or f"{api['id']}.json", json.dumps(api, indent=2))

    def write_file(self, name, text):
        # Written aside then renamed, so a reload never reads half a file.
        path = os.path.join(self.apis_dir, name)
        with open(path + ".tmp", "w") as f:
            f.write(text)
        os.replace(path + ".tmp", path)

    def remove_api(self, name):
        os.remove(os.path.join(self.apis_dir, name))

    # -- clients -----------------------------------------------------------------------------------------------
    @property
    def base_url(self):
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def url(self, path):
        return self.base_url + path

    def client(self, **kwargs):
        kwargs.setdefault("timeout", 30 * self.slow)
        kwargs.setdefault("verify", False)
        return httpx.Client(base_url=self.base_url, trust_env=False, **kwargs)

    def get(self, path, **kwargs):
        with self.client() as c:
            return c.get(path, **kwargs)

    def management(self, auth="default", **kwargs):
        """An httpx client on the management API's environment base (Basic auth with the configured password,
        unless `auth` says otherwise: None for no credentials, or a (user, password) pair)."""
        if auth == "default":
            auth = ("admin", self.management_password)
        kwargs.setdefault("timeout", 30 * self.slow)
        return httpx.Client(base_url=f"http://127.0.0.1:{self.management_port}{MANAGEMENT_BASE}", auth=auth,
                            trust_env=False, **kwargs)

    @property
    def management_url(self):
        return f"http://127.0.0.1:{self.management_port}"

    # -- logs --------------------------------------------------------------------------------------------------
    def stdout(self):
        with open(self.stdout_path, "rb") as f:
            return f.read().decode(errors="replace")

    def stderr(self):
        with open(self.stderr_path, "rb") as f:
            return f.read().decode(errors="replace")

    def log(self):
        return self.stdout() + self.stderr()

    def log_size(self):
        return len(self.stdout()) + len(self.stderr()), len(self.stdout()), len(self.stderr())

    def log_since(self, mark):
        """Log text written after `mark` (a value of log_size())."""
        _, out_len, err_len = mark
        return self.stdout()[out_len:] + self.stderr()[err_len:]

    def tail(self, chars=6000):
        return "--- stdout ---\n" + self.stdout()[-chars:] + "\n--- stderr ---\n" + self.stderr()[-chars:]

    def json_lines(self):
        entries = []
        for line in self.stdout().splitlines():
            line = line.strip()
            if line.startswith("{"):
                try:
                    entries.append(json.loads(line))
                except ValueError:
                    pass
        return entries
