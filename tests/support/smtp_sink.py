#!/usr/bin/python3
"""A real SMTP server for tests (aiosmtpd, Debian's python3-aiosmtpd).

Usage: smtp_sink.py DIRECTORY
Listens on 127.0.0.1 on a free port, prints "port N" on stdout, and stores each message as
DIRECTORY/<n>.eml with its envelope in DIRECTORY/<n>.json. Recipients whose local part starts
with "tempfail" are refused with 451 (try later), "permfail" with 550 (no such user).
"""
import json
import os
import signal
import socket
import sys

from aiosmtpd.controller import Controller


class Handler:
    def __init__(self, directory):
        self.directory = directory
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0]
        if local.startswith("tempfail"):
            return "451 4.3.0 mailbox temporarily unavailable"
        if local.startswith("permfail"):
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.directory, "%04d" % self.count)
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        with open(base + ".json", "w") as f:
            json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                       "helo": session.host_name}, f)
        os.rename(base + ".eml.tmp", base + ".eml")
        return "250 Message accepted"


def main():
    directory = sys.argv[1]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(Handler(directory), hostname="127.0.0.1", port=port)
    controller.start()
    print("port %d" % port, flush=True)
    try:
        signal.pause()  # serves (in the controller's thread) until the test kills the process
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
