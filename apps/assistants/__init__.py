"""The orchestration of a run: the one app that knows all the others.

It creates executions and starts them (from a form, from a chat message), queues and runs the
generations that answer them, and holds the assistants (instruct, workflow, text-edit) that turn a
generation into a message, a produced text version or a workflow action. Lower apps (chat,
executions, products, workflows) never import it; see ``docs/architecture.md``.
"""
