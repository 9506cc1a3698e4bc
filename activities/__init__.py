"""Accord's activities: all the I/O the workflows need, as classes with injected clients.

One package per capability (messaging, calendar, directory, digest, intake): its
``contracts`` module holds the activities' names and inputs, the only part a workflow
imports; its other modules hold the classes whose bound ``@activity.defn`` methods the
worker registers. This package imports nothing, so a contract comes without Graph's SDK.
"""
