"""Accord's activities: all the I/O commitment workflows need, as classes with injected clients.

Register the bound ``@activity.defn`` methods of one instance of each class with the worker.
"""

from activities.calendar import CalendarActivities
from activities.directory import DirectoryActivities
from activities.messaging import MessagingActivities

__all__ = ["CalendarActivities", "DirectoryActivities", "MessagingActivities"]
