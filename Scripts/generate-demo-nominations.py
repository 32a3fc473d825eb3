#!/usr/bin/env python3
"""Write Sources/LaurelServer/Demo/NN-<slug>.nom from the seed bulletin.

Each file holds the RAW seed text (pinyin annotations and mojibake included) so that the daemon's
normal ingest pipeline is what normalises it. The headings are `<award> <nominee>`; the publisher
imprint at the end (from the line starting `主管:`) is dropped.

Usage: python3 Scripts/generate-demo-nominations.py [/work/shared/seed/000_638a2d3d4bb9cb70.txt]
"""
import os, sys

seed = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/seed/000_638a2d3d4bb9cb70.txt"
slugs = ["yuanbo", "jiqing", "yangzi", "yinhu-feicui", "guojicheng", "wuzhong-dingyuan",
         "wuhan-vanke", "dongshanting", "luoshilu", "dizhi"]
lines = open(seed, encoding="utf-8").read().split("\n")
award = lines[0].split(" ", 1)[0]
sections = []
for line in lines:
    if line.startswith("主管:"):
        break
    if line.startswith(award + " "):
        sections.append((line[len(award) + 1:].strip(), []))
    elif line.strip():
        sections[-1][1].append(line)
assert len(sections) == len(slugs), len(sections)
out_dir = os.path.join(os.path.dirname(__file__), "..", "Sources", "LaurelServer", "Demo")
for n, ((nominee, body), slug) in enumerate(zip(sections, slugs), start=1):
    text = (f"Award: {award}\nNominee: {nominee}\nKind: team\nCycle: 2020\nRegion: 武漢\n\n"
            + "\n".join(body) + "\n")
    with open(os.path.join(out_dir, f"{n:02d}-{slug}.nom"), "w", encoding="utf-8") as f:
        f.write(text)
print(len(sections), "files in", os.path.normpath(out_dir))
