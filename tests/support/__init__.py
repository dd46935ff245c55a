"""Test helpers, imported as `tests.support.<module>`; fixtures stay in tests/conftest.py.

event (paths, the event day, `at`), pilot (settle, bursts, pastes, the screen as text), door and
selfservice (what those screens say), frames (every frame the app paints, the layouts between,
a store call held at a gate), rereads (what an offline copy's refresh reads again), faults (a full
disk, a damaged file), night (a festival past midnight), cups and browser (a real printer and
browser), private_names (the check behind tests/test_textual_internals.py), and storm, a writer
process tests start.
"""
