#!/usr/bin/env python3
"""Caps a minimized fuzz corpus at N files by greedy feature coverage.

Usage (from fuzz/, after `cargo fuzz cmin TARGET DIR -- -use_counters=0`):
  B=target/x86_64-unknown-linux-gnu/release
  $B/TARGET -merge=1 -use_counters=0 -merge_control_file=CTL EMPTY_DIR DIR
  python3 cap_corpus.py CTL OUT_DIR 48
Files named seed-* are always kept; the rest are added greedily, each
adding the most features not yet covered, until N files or nothing new.
"""
import sys, shutil, os
ctl, outdir, cap = sys.argv[1], sys.argv[2], int(sys.argv[3])
lines = open(ctl).read().split('\n')
n = int(lines[0]); files = lines[2:2+n]
ft = {}
for l in lines[2+n:]:
    if l.startswith('FT '):
        parts = l.split(); ft[int(parts[1])] = set(map(int, parts[2:]))
covered = set(); chosen = []
seeds = [i for i,f in enumerate(files) if os.path.basename(f).startswith('seed-')]
for i in seeds:
    chosen.append(i); covered |= ft.get(i, set())
while len(chosen) < cap:
    best = max((i for i in ft if i not in chosen), key=lambda i: len(ft[i]-covered), default=None)
    if best is None or not (ft[best]-covered): break
    chosen.append(best); covered |= ft[best]
allf = set().union(*ft.values())
os.makedirs(outdir, exist_ok=True)
for i in chosen:
    shutil.copy(files[i], outdir)
print(f"{len(chosen)} files cover {len(covered)}/{len(allf)} features ({100*len(covered)/len(allf):.0f}%)")
