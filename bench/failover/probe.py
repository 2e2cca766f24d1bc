#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The client: `curl -s -m 0.2 URL` every INTERVAL_MS milliseconds, started on a fixed cadence
whether or not the previous request has finished (so a dead VIP, which costs each request its
200 ms timeout, does not make the probe sparser). One line per finished request, in order of
completion: start and end on CLOCK_MONOTONIC in ms, and 1 if the backend's page came back.

Usage: probe.py URL LOG [INTERVAL_MS]   (default 30; runs until killed)"""
import subprocess
import sys
import time

url, log = sys.argv[1], sys.argv[2]
interval = float(sys.argv[3] if len(sys.argv) > 3 else 30) / 1000
out = open(log, "w", buffering=1)
running = []
next_start = time.monotonic()
while True:
    now = time.monotonic()
    if now >= next_start:
        curl = subprocess.Popen(["curl", "-s", "-m", "0.2", url], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        running.append((now, curl))
        next_start = max(next_start + interval, now)
    waiting = []
    for start, curl in running:
        if curl.poll() is None:
            waiting.append((start, curl))
            continue
        end = time.monotonic()
        body = curl.stdout.read()
        curl.stdout.close()
        ok = curl.returncode == 0 and b"backend" in body
        out.write(f"{start * 1000:.1f} {end * 1000:.1f} {int(ok)}\n")
    running = waiting
    time.sleep(0.002)
