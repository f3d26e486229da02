"""Shared HTTP plumbing of both HorNet services."""
