"""Which widgets ask for a full-screen layout pass while keys are typed in the calculator (a diagnostic).

Textual re-lays out the whole screen whenever any widget refreshes with layout=True, so a keystroke costs in
proportion to the widgets on screen. This counts who asks, per key. Run: python3 bench/who_layout.py
"""

import asyncio
import collections
import traceback
from datetime import date

from textual.widget import Widget

from tui.app import AppOptions, PartnerDashApp

counts = collections.Counter()
orig = Widget.refresh
active = False


def refresh(self, *regions, repaint=True, layout=False, recompose=False):  # type: ignore[no-untyped-def]
    if active and (layout or recompose):
        stack = traceback.extract_stack(limit=6)[:-1]
        key = (type(self).__name__, " <- ".join(f"{f.name}:{f.filename.split('/')[-1]}:{f.lineno}" for f in stack[-4:]))
        counts[key] += 1
    return orig(self, *regions, repaint=repaint, layout=layout, recompose=recompose)


Widget.refresh = refresh


async def main():
    global active
    app = PartnerDashApp(AppOptions(today=date(2026, 11, 26)))
    async with app.run_test(size=(80, 24)) as pilot:
        await app.wait_until_loaded()
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause(0.5)
        active = True
        for ch in "1234567890":
            await pilot.press(ch)
        active = False
    for k, v in counts.most_common(15):
        print(v, k)


asyncio.run(main())
