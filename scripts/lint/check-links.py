#!/usr/bin/env python3
"""Checks that every relative link in the repository's Markdown resolves: the file exists,
and an anchor (`file.md#section`, `#section`) names a heading of that file, as GitHub
renders anchors. External links (`https:`, `mailto:`, ...) are not fetched.

Usage: scripts/lint/check-links.py   (from anywhere in the checkout; exit 1 on a dead link)
"""
import os
import re
import subprocess
import sys

root = subprocess.run(['git', 'rev-parse', '--show-toplevel'], capture_output=True, text=True,
                      check=True).stdout.strip()
os.chdir(root)
files = subprocess.run(['git', 'ls-files', '--cached', '--others', '--exclude-standard', '*.md'],
                       capture_output=True, text=True, check=True).stdout.split()


def anchors(path):
    """GitHub's anchors of a Markdown file's headings (duplicates get -1, -2, ...)."""
    out, seen, fenced = set(), {}, False
    with open(path, encoding='utf-8') as f:
        for line in f:
            if line.startswith('```'):
                fenced = not fenced
            m = None if fenced else re.match(r'^(#+)\s+(.*?)\s*#*\s*$', line)
            if m:
                text = re.sub(r'`|\*\*|\*|__', '', m.group(2).strip().lower())
                text = re.sub(r'\[([^\]]*)\]\([^)]*\)', r'\1', text)
                a = re.sub(r'[^\w\- ]', '', text).replace(' ', '-')
                n = seen.get(a, 0)
                seen[a] = n + 1
                out.add(a if n == 0 else f'{a}-{n}')
    return out


dead = []
for f in files:
    with open(f, encoding='utf-8') as fh:
        text = re.sub(r'```.*?```', '', fh.read(), flags=re.S)
    text = re.sub(r'`[^`\n]*`', '', text)
    for target in re.findall(r'\]\(([^)\s]+)\)', text):
        if re.match(r'^[a-z][a-z0-9+.-]*:', target):
            continue
        path, _, frag = target.partition('#')
        dest = os.path.normpath(os.path.join(os.path.dirname(f), path)) if path else f
        if not os.path.exists(dest):
            dead.append(f'{f}: {target} (no such file)')
        elif frag and dest.endswith('.md') and frag.lower() not in anchors(dest):
            dead.append(f'{f}: {target} (no such heading)')

for d in dead:
    print(f'dead link: {d}')
print(f'links: {len(files)} Markdown files checked, {len(dead)} dead links')
sys.exit(1 if dead else 0)
