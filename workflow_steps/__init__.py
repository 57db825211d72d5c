"""Workflow step library: the Python classes named by md_workflow_step.name_for_system."""
