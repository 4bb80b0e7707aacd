#!/usr/bin/env python3
"""Regenerates the encoded corpus files from their UTF-8 sources (run from this directory's parent).

zh_gbk.html      <- src/zh_gbk.utf8.html      encoded as GBK (as older CMS exports are)
zh_utf16le.txt   <- src/zh_utf16le.utf8.txt   encoded as UTF-16LE without a BOM
"""
import pathlib

here = pathlib.Path(__file__).resolve().parent
corpus = here.parent
(corpus / "zh_gbk.html").write_bytes((here / "zh_gbk.utf8.html").read_text("utf-8").encode("gbk"))
(corpus / "zh_utf16le.txt").write_bytes((here / "zh_utf16le.utf8.txt").read_text("utf-8").encode("utf-16-le"))
