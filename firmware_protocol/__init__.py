"""Pure codecs: bytes in, typed values out, and the reverse.

No I/O, no threads, no third-party imports. Every decoder resynchronises after
garbage and counts what it dropped and why.
"""
