"""Debian's nginx with deploy/nginx.conf, its paths and ports substituted, in a temp folder."""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from tests.deploy.processes import REPO, Process
from tests.support import free_port

NGINX = Path("/usr/sbin/nginx")
SITE = REPO / "deploy" / "nginx.conf"

MAIN = """
daemon off;
# The test runs as root; its folders are readable by root only.
user root;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/site.conf;
}}
"""


@dataclass
class Nginx:
    """nginx in front of one gunicorn: https on one port, the redirect on another."""

    process: Process
    https_port: int
    http_port: int
    access_log: Path

    @property
    def url(self) -> str:
        """The https address screens and staff use."""
        return f"https://127.0.0.1:{self.https_port}"


def _self_signed(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


def site_config(folder: Path, upstream: str, media_files: Path) -> tuple[str, int, int]:
    """deploy/nginx.conf with this test's ports, certificate and folders."""
    cert, key = _self_signed(folder)
    https_port, http_port = free_port(), free_port()
    text = SITE.read_text(encoding="utf-8")
    replacements = {
        "server 127.0.0.1:8000;": f"server {upstream};",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen [::]:80;\n": "",
        # 127.0.0.1, not every address: a listener on all addresses can share its port with
        # another test's server on 127.0.0.1, which then answers in nginx's place
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "listen [::]:443 ssl http2;\n": "",
        "/etc/ssl/certs/signage.court.example.pem": str(cert),
        "/etc/ssl/private/signage.court.example.key": str(key),
        "/var/log/nginx/signage.access.log": str(folder / "access.log"),
        "/var/lib/signage/media/files/": f"{media_files}/",
    }
    for old, new in replacements.items():
        assert old in text, f"deploy/nginx.conf no longer has {old!r}"
        text = text.replace(old, new)
    return text, https_port, http_port


def start_nginx(folder: Path, upstream: str, media_files: Path) -> Nginx:
    """Start nginx with the shipped site file; wait until it answers. Its ports are picked
    free just before it starts: when another process took one meanwhile, nginx cannot bind
    it and starts again on two others."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "nginx.conf").write_text(MAIN.format(folder=folder), encoding="utf-8")
    log = folder / "nginx.log"
    for _ in range(3):
        site, https_port, http_port = site_config(folder, upstream, media_files)
        (folder / "site.conf").write_text(site, encoding="utf-8")
        with log.open("wb") as out:
            process = subprocess.Popen(
                [str(NGINX), "-p", str(folder), "-c", str(folder / "nginx.conf")],
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        deadline = time.monotonic() + 20
        while not (folder / "nginx.pid").exists():
            if process.poll() is not None or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        else:
            return Nginx(Process(process, log), https_port, http_port, folder / "access.log")
        Process(process, log).stop()
        if "Address already in use" not in log.read_text():
            break
    raise RuntimeError(f"nginx did not start:\n{log.read_text()}")
