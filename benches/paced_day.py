#!/usr/bin/env python3
"""Bytes written to the disk per sale in a paced day, measured from outside the register.

The real binary runs in a pseudo-terminal on a demo store whose receipts go to /dev/null (so
that only the store and its journal write). The script logs in, opens the shift and sells
SALES tickets of one line each, typed and paid in cash, waiting PACE seconds after each one
(the printer goes idle between sales, as in a shop). It reads write_bytes from
/proc/PID/io before the first sale and after the last, and prints the bytes per sale.

    python3 benches/paced_day.py            (SALES=40 PACE=1.5 by default)
"""
import fcntl, os, pty, select, signal, struct, subprocess, sys, tempfile, termios, time

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
caja = os.environ.get("CAJA", os.path.join(root, "target", "release", "caja"))
sales = int(os.environ.get("SALES", "40"))
pace = float(os.environ.get("PACE", "1.5"))
if "CAJA" not in os.environ:
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=root, check=True)

work = tempfile.mkdtemp()
data = os.path.join(work, "store")
subprocess.run([caja, "init", "--data-dir", data, "--store", "Tienda", "--register", "FV1",
                "--supervisor", "ana", "--pin", "1234", "--language", "es", "--demo"],
               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
toml = os.path.join(data, "caja.toml")
with open(toml) as f:
    text = f.read().replace('device = "file:receipts.txt"', 'device = "file:/dev/null"')
with open(toml, "w") as f:
    f.write(text)

pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    os.environ["TERM"] = "xterm"
    os.execv(caja, [caja, "--data-dir", data])

seen = bytearray()
def pump(seconds):
    end = time.time() + seconds
    while True:
        left = end - time.time()
        if left <= 0:
            return
        r, _, _ = select.select([fd], [], [], left)
        if r:
            try:
                seen.extend(os.read(fd, 65536))
            except OSError:
                return

def wait_for(text, seconds=10):
    end = time.time() + seconds
    while text.encode() not in seen:
        if time.time() > end:
            sys.exit(f"the screen never showed {text!r}: {seen.decode(errors='replace')[-1500:]}")
        pump(0.05)

def send(keys, settle=0.15):
    os.write(fd, keys.encode())
    pump(settle)

def written():
    with open(f"/proc/{pid}/io") as f:
        for line in f:
            if line.startswith("write_bytes:"):
                return int(line.split()[1])
    return 0

try:
    pump(1.0)
    for k in ["ana\r", "1234\r"]:
        send(k, 0.4)
    send("0\r", 0.6)
    # The store's first date asks a supervisor to confirm it.
    send("ana\r", 0.3)
    send("1234\r", 0.8)
    seen.clear()
    send("HUE30\r", 0.4)
    wait_for("Huevos")
    send("\x1b[24~", 0.3)
    send("\r", pace)
    seen.clear()
    before = written()
    t0 = time.time()
    for i in range(sales):
        send("HUE30\r", 0.2)
        send("\x1b[24~", 0.2)
        send("\r", pace)
    after = written()
    span = time.time() - t0
    # Every ticket was sold: the last number is on the screen.
    wait_for(f"FV1-{sales + 1:06d}")
    print(f"{sales} sales in {span:.0f} s: {after - before} bytes written, "
          f"{(after - before) / sales / 1024:.1f} KiB per sale")
finally:
    os.kill(pid, signal.SIGTERM)
    os.waitpid(pid, 0)
    subprocess.run(["rm", "-rf", work])
