"""The hardware on the desk: what is plugged in (``doctor``), which firmware answers on
a port (``probe``), and raw bytes decoded for a person debugging a receiver
(``hex_decode``).

May import: the shared modules at the top of :mod:`basestation`, ``drivers`` and
``firmware_protocol``. Never the lecture, the database, the CLI or the screens.
"""
