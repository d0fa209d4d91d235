#!/usr/bin/env python3
"""Asks one DNS server one question, over and over, until the answer has the wanted code.

Prints the seconds elapsed since SINCE_NS (a `date +%s%N` stamp taken just before the server
was started), so the figure is "from start until the name is answered as wanted". Exits 1 if
TIMEOUT seconds pass first.

Usage: probe.py SERVER PORT NAME nxdomain|noerror SINCE_NS TIMEOUT
"""

import random
import socket
import struct
import sys
import time

CODES = {"noerror": 0, "nxdomain": 3}


def query(name, qid):
    header = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0)
    qname = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"
    return header + qname + struct.pack(">HH", 1, 1)


def main():
    server, port, name, want, since_ns, timeout = sys.argv[1:7]
    want = CODES[want]
    deadline = time.monotonic() + float(timeout)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(0.05)
    while time.monotonic() < deadline:
        qid = random.randrange(65536)
        try:
            s.sendto(query(name, qid), (server, int(port)))
            while True:
                data = s.recv(4096)
                if len(data) >= 4 and struct.unpack(">H", data[:2])[0] == qid:
                    break
            if data[3] & 0x0F == want:
                print(f"{(time.time_ns() - int(since_ns)) / 1e9:.3f}")
                return 0
        except OSError:
            pass  # not listening yet (refused) or no answer in time
        time.sleep(0.005)
    return 1


if __name__ == "__main__":
    sys.exit(main())
