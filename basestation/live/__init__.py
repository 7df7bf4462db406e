"""The lecture: what happens while a class votes.

Packets from the receivers are decoded at one seam (``decoding``), offered to the vote
buffer (``votes``: every duplicate rule), counted into polls (``polls``: the session,
question, round state machine) and stored (``station`` wires them to the store); a
worker thread runs it all (``session``) and publishes snapshots (``snapshot``) that the
screens read through :mod:`basestation.poll_source`. ``follower`` is the TA's read-only
view of the same poll, ``poll_timer`` its countdown.

May import: the shared modules at the top of :mod:`basestation`, ``afterclass``,
``formats``, ``db``, ``drivers`` and ``firmware_protocol``. Never the CLI, the screens,
the composition root or the simulators.
"""
