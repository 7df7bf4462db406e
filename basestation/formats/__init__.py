"""Files read from or written for another program: question files (plain text,
text2qti, GIFT), question banks, iClicker Classic session folders and class rosters.

Each format is read by one module that returns validated content or raises its own
error with one line that names the file and what is wrong.

May import: the shared modules at the top of :mod:`basestation`, ``db`` (to store an
import) and the pure codecs of ``firmware_protocol`` (handset IDs). Never the lecture,
after-class work, the CLI, the screens, the drivers or the simulators.
"""
