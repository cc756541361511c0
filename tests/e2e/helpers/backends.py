"""Starting, steering and killing backend processes (helpers/backend_server.py) from a test."""
import os
import subprocess

import httpx

SERVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "backend_server.py")


class BackendProcess:
    def __init__(self, name, tmp_dir, cert=None, key=None):
        self.name = name
        self.tls = cert is not None
        self._log_path = os.path.join(tmp_dir, f"backend-{name}.log")
        cmd = ["/usr/bin/python3", SERVER, "--name", name]
        if cert:
            cmd += ["--cert", cert, "--key", key]
        self._log = open(self._log_path, "wb")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self._log)
        line = self.proc.stdout.readline().decode()
        if not line.startswith("PORT "):
            self.kill()
            raise RuntimeError(f"backend {name} did not start: {line!r}\n{self.log()}")
        self.port = int(line.split()[1])

    @property
    def origin(self):
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def url(self, path="/base"):
        """The target to put in an endpoint's configuration."""
        return self.origin + path

    def ws_url(self, path="/ws"):
        return f"{'wss' if self.tls else 'ws'}://127.0.0.1:{self.port}{path}"

    def _control(self, method, path):
        with httpx.Client(trust_env=False, verify=False, timeout=10) as client:
            response = client.request(method, self.origin + path)
            response.raise_for_status()
            return response.json()

    def set_health(self, status):
        self._control("POST", f"/_control/health/{status}")

    def stats(self):
        return self._control("GET", "/_control/stats")

    def kill(self):
        """SIGKILL: the port stops accepting and every open connection to it is reset, as when a host dies."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        if self.proc.stdout:
            self.proc.stdout.close()
        self._log.close()

    def alive(self):
        return self.proc.poll() is None

    def log(self):
        with open(self._log_path, "rb") as f:
            return f.read().decode(errors="replace")

