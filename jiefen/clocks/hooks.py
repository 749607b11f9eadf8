"""What the clocks need to know of the case lifecycle above them, registered by the cases app when it loads.

The clocks sit below the cases (STYLE.md §13) and import nothing of them. Two things of theirs they need:

- the event codes a clock rule may start, stop, pause or resume on (the admin refuses a mistyped code);
- what a newly loaded holiday schedule changes: the deadlines it moves are recomputed in the loading transaction.
"""

_event_sources = []
_schedule_listeners = []


def register_events(source):
    """Register `source()`, returning event codes clock rules may name; it is called on each use, not now."""
    if source not in _event_sources:
        _event_sources.append(source)
    return source


def known_events():
    """Every event code a clock rule may name, from all registered sources."""
    return frozenset(code for source in _event_sources for code in source())


def on_schedule_loaded(listener):
    """Register `listener(acting_user, years)`: called inside the transaction that loads a year's schedule, it
    returns the cases it changed."""
    if listener not in _schedule_listeners:
        _schedule_listeners.append(listener)
    return listener


def schedule_loaded(acting_user, years):
    """Tell the listeners that the schedule of `years` changed; return the cases they changed."""
    changed = []
    for listener in _schedule_listeners:
        changed.extend(listener(acting_user, years))
    return changed
