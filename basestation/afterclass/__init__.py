"""After class: what a lecturer, a grader or a researcher reads once the votes are in.

Analysis of a stored session, grades and gradebook files, exports, the term's
picture of a course, the HTML report and its charts, and the history of each
question's uses. Everything is read through :mod:`basestation.db`'s readers; the
figures themselves are pure functions (:mod:`basestation.peer_instruction`).

May import: the shared modules at the top of :mod:`basestation`, ``formats``, ``db``.
Never the lecture, the CLI, the screens, the drivers or the simulators.
"""
