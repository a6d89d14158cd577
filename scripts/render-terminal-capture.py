#!/usr/bin/env python3
"""Renders a terminal capture (text with 256-color SGR escapes, as
`firefly generate --show` prints half-blocks) as an HTML page that shows it
the way a terminal would, for a browser to screenshot:

    script -qec "firefly generate 'a cat' --show -o cats" /dev/null > capture.txt
    scripts/render-terminal-capture.py capture.txt > capture.html
    chromium --headless --screenshot=capture.png capture.html

Only what that output uses is understood: SGR 0, 38;5;N and 48;5;N. Cursor
and erase sequences (the progress spinner's) are dropped with the lines they
redraw.
"""
import html
import re
import sys

BASE = ["000000", "800000", "008000", "808000", "000080", "800080", "008080", "c0c0c0",
        "808080", "ff0000", "00ff00", "ffff00", "0000ff", "ff00ff", "00ffff", "ffffff"]


def xterm_color(n):
    if n < 16:
        return "#" + BASE[n]
    if n < 232:
        n -= 16
        levels = [0, 95, 135, 175, 215, 255]
        r, g, b = levels[n // 36], levels[(n // 6) % 6], levels[n % 6]
        return "#%02x%02x%02x" % (r, g, b)
    gray = 8 + (n - 232) * 10
    return "#%02x%02x%02x" % (gray, gray, gray)


def render(text):
    # Keep what the last redraw of each line left: split on CR, take the last part.
    lines = [line.rstrip("\r").split("\r")[-1] for line in text.split("\n")]
    out = []
    token = re.compile(r"\x1b\[([0-9;]*)([A-Za-z])|([^\x1b]+)")
    for line in lines:
        fg = bg = None
        spans = []
        for match in token.finditer(line):
            params, command, chars = match.groups()
            if chars is not None:
                style = ""
                if fg:
                    style += "color:%s;" % fg
                if bg:
                    style += "background:%s;" % bg
                spans.append('<span style="%s">%s</span>' % (style, html.escape(chars)))
            elif command == "K":
                spans = []
            elif command == "m":
                codes = [int(c) for c in params.split(";") if c] or [0]
                i = 0
                while i < len(codes):
                    if codes[i] == 0:
                        fg = bg = None
                    elif codes[i] in (38, 48) and i + 2 < len(codes) and codes[i + 1] == 5:
                        color = xterm_color(codes[i + 2])
                        if codes[i] == 38:
                            fg = color
                        else:
                            bg = color
                        i += 2
                    i += 1
        out.append("".join(spans))
    while out and not out[-1]:
        out.pop()
    return out


def main():
    with open(sys.argv[1], encoding="utf-8", errors="replace", newline="") as capture:
        lines = render(capture.read())
    print('<!doctype html><meta charset="utf-8"><style>'
          'body{margin:0;background:#1e1e1e}'
          'pre{margin:0;padding:12px;color:#d4d4d4;'
          'font:16px/1 "DejaVu Sans Mono",monospace}'
          '</style><pre>' + "\n".join(lines) + "</pre>")


main()
