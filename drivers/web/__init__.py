"""Phones as clickers on the room's own network: the ``web://`` receiver.

``room`` keeps who votes as which handset and the round code; ``app`` is the HTTP
side (Starlette) and its guard; ``page`` the one self-contained page; ``receiver`` runs
the server (uvicorn, in its own thread) while the receiver is open; ``addresses``
finds where phones can reach it.
"""
