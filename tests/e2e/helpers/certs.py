"""Throw-away self-signed certificates made with the openssl CLI (what a user would run)."""
import os
import subprocess


class Cert:
    def __init__(self, directory, name, subject_alt_names):
        self.cert = os.path.join(directory, f"{name}.crt")
        self.key = os.path.join(directory, f"{name}.key")
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
             "-keyout", self.key, "-out", self.cert, "-subj", f"/CN={name}",
             "-addext", f"subjectAltName={subject_alt_names}"],
            check=True, capture_output=True)

    @property
    def pem(self):
        with open(self.cert) as f:
            return f.read()
