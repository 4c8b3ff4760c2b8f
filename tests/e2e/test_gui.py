#!/usr/bin/env python3
"""flowscope-gui under Xvfb, driven by its headless flags and its test-only --script file.

A store of known flows is recorded with real curl through `flowscope run -w`; the window opens
it and must draw the expected rows, narrow them with a filter, write a PNG of its own size that
is not blank, and replay a selected flow against the loopback origin as a new linked flow. A
breakpoint pauses a live curl request while another connection is served, and a scripted
"continue with an edited header" reaches the origin with that header.

Run: python3 test_gui.py --flowscope /path/to/flowscope --flowscope-gui /path/to/flowscope-gui
"""

import json
import os
import re
import struct
import subprocess
import sys
import threading
import time
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import e2e_support as e2e  # noqa: E402
from e2e_support import curl  # noqa: E402

GUI = None
PNG_1x1 = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                        "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201f5a4d0a20000000049454e44ae426082")


def png_pixels(path):
    """(width, height, set of distinct RGB colours) of an 8-bit RGB or RGBA PNG, decoded here."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width, height, channels = 8, b"", 0, 0, 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", chunk[:10])
            assert depth == 8 and colour in (2, 6), "unexpected PNG format %d/%d" % (depth, colour)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    previous = bytearray(stride)
    colours = set()
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                predictor = left if pa <= pb and pa <= pc else (up if pb <= pc else corner)
                line[i] = (line[i] + predictor) & 0xFF
        if y % 7 == 0:  # a sample of rows is enough to tell a drawn window from a blank one
            for x in range(0, width, 3):
                colours.add(bytes(line[x * channels:x * channels + 3]))
        previous = line
    return width, height, colours


class Gui:
    """One flowscope-gui process under xvfb-run, its stderr drained by a thread."""

    def __init__(self, *args, home=None):
        self.home = home or e2e.make_tempdir("flowscope-home-")
        argv = ["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", GUI, "--listen", "127.0.0.1:0"]
        self.proc = subprocess.Popen(argv + [str(a) for a in args], stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env=e2e.clean_env({"FLOWSCOPE_HOME": self.home, "HOME": self.home}))
        self.stderr = ""
        self.stdout = b""
        self.listening = threading.Event()
        self.port = None
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self._out_reader = threading.Thread(target=self._read_out, daemon=True)
        self._out_reader.start()

    def _read(self):
        for raw in self.proc.stderr:
            line = raw.decode(errors="replace")
            self.stderr += line
            m = re.match(r"flowscope-gui: proxy listening on 127\.0\.0\.1:(\d+)", line)
            if m:
                self.port = int(m.group(1))
                self.listening.set()
        self.listening.set()

    def _read_out(self):
        self.stdout = self.proc.stdout.read()

    def wait(self):
        try:
            code = self.proc.wait(timeout=e2e.HANG_GUARD * 3)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            code = "killed by the hang guard"
        self._reader.join(e2e.HANG_GUARD)
        return code

    def proxy_url(self):
        self.listening.wait(e2e.STARTUP_GUARD)
        assert self.port is not None, "flowscope-gui never said where it listens:\n" + self.stderr
        return "http://127.0.0.1:%d" % self.port

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def routes():
    def json_route(handler, req):
        handler.reply_json({"user": {"id": 7, "name": "ada"}, "items": [1, 2, 3]})

    def missing(handler, req):
        handler.reply(404, b"no such thing", "text/plain")

    def echo(handler, req):
        handler.reply_json({"method": req.method, "got": req.body.decode(errors="replace")})

    def image(handler, req):
        handler.reply(200, PNG_1x1, "image/png")

    def plain(handler, req):
        handler.reply(200, b"ok " + req.path.encode(), "text/plain")

    return {"/api/user": json_route, "/missing": missing, "/api/echo": echo, "/logo.png": image,
            "/bp": plain, "/free": plain}


class GuiTest(e2e.E2ETestCase):

    @classmethod
    def setUpClass(cls):
        cls.dir = e2e.make_tempdir("flowscope-gui-")

    def setUp(self):
        super().setUp()
        self.origin = self.start_origin(routes())
        self.guis = []

    def tearDown(self):
        for gui in self.guis:
            gui.kill()
        super().tearDown()

    def gui(self, *args):
        gui = Gui(*args)
        self.guis.append(gui)
        return gui

    def record_store(self):
        """Four flows through real curl: a JSON GET, a 404, a POST and an image, in that order."""
        store = os.path.join(self.dir, "known-%s.jsonl" % self.id().rsplit(".", 1)[-1])
        proxy = self.start_proxy("-w", store, "-q")
        for args in (["/api/user"], ["/missing"], ["-X", "POST", "--data-binary", "name=ada", "/api/echo"],
                     ["/logo.png"]):
            result = curl(*args[:-1], self.origin.url(args[-1]), proxy=proxy.url)
            self.assertEqual(result.returncode, 0, self.diag(result))
        self.assertEqual(proxy.stop(), 0, proxy.diag())
        self.assertEqual(len(e2e.read_jsonl(store)), 4)
        return store

    def state_of(self, path, gui, code):
        self.assertEqual(code, 0, "flowscope-gui failed:\n" + gui.stderr)
        with open(path) as f:
            return json.load(f)

    def test_screenshot_is_the_window_and_shows_the_known_rows(self):
        store = self.record_store()
        png = os.path.join(self.dir, "window.png")
        state_path = os.path.join(self.dir, "state.json")
        gui = self.gui(store, "--screenshot", png, "--frames", "5", "--select", "1", "--tab", "response",
                       "--dump-state", state_path, "--width", "1000", "--height", "700")
        state = self.state_of(state_path, gui, gui.wait())
        self.assertEqual(state["flows"], 4)
        self.assertEqual([(r["number"], r["method"], r["path"], r["status"]) for r in state["rows"]],
                         [(1, "GET", "/api/user", 200), (2, "GET", "/missing", 404),
                          (3, "POST", "/api/echo", 200), (4, "GET", "/logo.png", 200)])
        self.assertGreaterEqual(state["rows_drawn"], 4)
        self.assertEqual(state["selected"], state["rows"][0]["id"])
        self.assertEqual(state["tab"], "response")
        width, height, colours = png_pixels(png)
        self.assertEqual((width, height), (1000, 700))
        # Text, table rows and status colours: a drawn window has many colours, a blank one one.
        self.assertGreater(len(colours), 20, "the screenshot looks blank")

    def test_filter_narrows_the_rows_and_a_bad_one_is_refused(self):
        store = self.record_store()
        state_path = os.path.join(self.dir, "filtered.json")
        gui = self.gui(store, "--frames", "3", "--filter", "~m POST | ~c 404", "--dump-state", state_path)
        state = self.state_of(state_path, gui, gui.wait())
        self.assertEqual(state["flows"], 4)
        self.assertEqual(state["visible"], 2)
        self.assertEqual([r["path"] for r in state["rows"]], ["/missing", "/api/echo"])
        self.assertLessEqual(state["rows_drawn"], 2)
        self.assertGreaterEqual(state["rows_drawn"], 1)

        bad = self.gui(store, "--frames", "1", "--filter", "~m POST &")
        self.assertEqual(bad.wait(), 2, bad.stderr)
        self.assertIn("--filter", bad.stderr)

    def test_replaying_a_selected_flow_adds_a_linked_flow(self):
        store = self.record_store()
        before = sum(1 for r in self.origin.requests if r.path == "/api/user")
        state_path = os.path.join(self.dir, "replayed.json")
        script = e2e.write_temp_file(("wait-flows 4\nselect 1\nreplay\nwait-finished 5\n"
                                      "dump-state %s\nquit\n" % state_path).encode(), "replay.script")
        gui = self.gui(store, "--script", script)
        state = self.state_of(state_path, gui, gui.wait())
        self.assertEqual(state["flows"], 5)
        original = state["rows"][0]
        replays = [r for r in state["rows"] if r["replay_of"]]
        self.assertEqual(len(replays), 1, state["rows"])
        self.assertEqual(replays[0]["replay_of"], original["id"])
        self.assertEqual((replays[0]["method"], replays[0]["path"], replays[0]["status"]), ("GET", "/api/user", 200))
        self.assertEqual(sum(1 for r in self.origin.requests if r.path == "/api/user"), before + 1)

    def test_breakpoint_pauses_a_live_request_and_continues_it_edited(self):
        state_path = os.path.join(self.dir, "breakpoint.json")
        # The paused request waits for the other connection's flow to finish, so the origin
        # answering /free proves a pause holds up no one else.
        # The state dumped after the breakpoint command says it is set: only then may curl go.
        ready_path = os.path.join(self.dir, "breakpoint-set.json")
        script = e2e.write_temp_file(("breakpoint request ~u /bp\ndump-state %s\nwait-paused\nwait-finished 1\n"
                                      "edit-header X-Edited yes\ncontinue\nwait-finished 2\n"
                                      "dump-state %s\nquit\n" % (ready_path, state_path)).encode(), "bp.script")
        gui = self.gui("--script", script)
        proxy = gui.proxy_url()
        deadline = time.monotonic() + e2e.HANG_GUARD  # a hang guard, not a speed check
        while not os.path.exists(ready_path) and gui.proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertTrue(os.path.exists(ready_path), "the script never set the breakpoint:\n" + gui.stderr)
        paused = {}

        def paused_request():
            paused["result"] = curl(self.origin.url("/bp"), proxy=proxy)

        t = threading.Thread(target=paused_request)
        t.start()
        free = curl(self.origin.url("/free"), proxy=proxy)
        self.assertEqual((free.returncode, free.status), (0, 200), self.diag(free))
        t.join(e2e.HANG_GUARD * 2)
        self.assertFalse(t.is_alive(), "the paused request never finished:\n" + gui.stderr)
        result = paused["result"]
        self.assertEqual((result.returncode, result.status), (0, 200), self.diag(result))
        self.assertEqual(result.body, b"ok /bp")
        state = self.state_of(state_path, gui, gui.wait())
        self.assertEqual(state["flows"], 2)
        at_origin = [r for r in self.origin.requests if r.path == "/bp"]
        self.assertEqual(len(at_origin), 1)
        self.assertEqual(at_origin[0].header("X-Edited"), "yes")
        free_at_origin = [r for r in self.origin.requests if r.path == "/free"]
        self.assertIsNone(free_at_origin[0].header("X-Edited"))


if __name__ == "__main__":
    args = sys.argv[1:]
    if "--flowscope-gui" in args:
        i = args.index("--flowscope-gui")
        GUI = os.path.abspath(args[i + 1])
        del sys.argv[1 + i:1 + i + 2]
    if not GUI:
        print("usage: %s --flowscope FLOWSCOPE --flowscope-gui FLOWSCOPE_GUI" % sys.argv[0], file=sys.stderr)
        sys.exit(2)
    e2e.main()
